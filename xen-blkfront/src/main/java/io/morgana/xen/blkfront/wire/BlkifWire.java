package io.morgana.xen.blkfront.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The slots of the blkif ring, {@code x86_64-abi} as {@code /usr/include/xen/io/blkif.h} lays
 * them out (little-endian; one 112-byte slot, {@code union blkif_sring_entry}): absolute
 * accessors at a slot's byte offset, so drivers read and write slots in place.
 *
 * <pre>
 * struct blkif_request {            struct blkif_request_indirect {   struct blkif_response {
 *   uint8_t  operation;   // 0        uint8_t  operation;   // 0        uint64_t id;       // 0
 *   uint8_t  nr_segments; // 1        uint8_t  indirect_op; // 1        uint8_t  operation;// 8
 *   uint16_t handle;      // 2        uint16_t nr_segments; // 2        int16_t  status;   // 10
 *   uint64_t id;          // 8        uint64_t id;          // 8      };                   // 16
 *   uint64_t sector_number; // 16     uint64_t sector_number; // 16
 *   struct blkif_request_segment {    uint16_t handle;      // 24     struct blkif_request_discard {
 *     grant_ref_t gref;   // +0       grant_ref_t indirect_grefs[8]; // 28   ... uint8_t flag; // 1
 *     uint8_t first_sect; // +4     };                      // 64            uint64_t nr_sectors; // 24
 *     uint8_t last_sect;  // +5                                           };
 *   } seg[11];            // 24, 8 bytes each
 * };                      // 112
 * </pre>
 */
public final class BlkifWire {

  private BlkifWire() {}

  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  public static final int REQ_OPERATION = 0;
  public static final int REQ_NR_SEGMENTS = 1;
  public static final int REQ_HANDLE = 2;
  public static final int REQ_ID = 8;
  public static final int REQ_SECTOR_NUMBER = 16;
  public static final int REQ_SEG = 24;
  public static final int SEG_SIZE = 8;
  public static final int SEG_GREF = 0;
  public static final int SEG_FIRST_SECT = 4;
  public static final int SEG_LAST_SECT = 5;
  public static final int REQ_BYTES = 112;

  public static final int DISCARD_FLAG = 1;
  public static final int DISCARD_NR_SECTORS = 24;

  public static final int IND_INDIRECT_OP = 1;
  public static final int IND_NR_SEGMENTS = 2;
  public static final int IND_HANDLE = 24;
  public static final int IND_GREFS = 28;
  public static final int IND_BYTES = 64;

  public static final int RSP_ID = 0;
  public static final int RSP_OPERATION = 8;
  public static final int RSP_STATUS = 10;
  public static final int RSP_BYTES = 16;

  public static final int OP_READ = 0;
  public static final int OP_WRITE = 1;
  public static final int OP_WRITE_BARRIER = 2;
  public static final int OP_FLUSH_DISKCACHE = 3;
  public static final int OP_RESERVED_1 = 4;
  public static final int OP_DISCARD = 5;
  public static final int OP_INDIRECT = 6;

  /** {@code BLKIF_MAX_SEGMENTS_PER_REQUEST}. */
  public static final int MAX_SEGMENTS = 11;
  /** {@code BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST}. */
  public static final int MAX_INDIRECT_PAGES = 8;
  /** Segment descriptors per indirect page. */
  public static final int SEGS_PER_INDIRECT_PAGE = 512;
  /** Sectors of 512 bytes in a page: {@code last_sect} is at most 7. */
  public static final int SECTORS_PER_PAGE = 8;

  public static final int RSP_OKAY = 0;
  public static final int RSP_ERROR = -1;
  public static final int RSP_EOPNOTSUPP = -2;

  public static final int VDISK_CDROM = 0x1;
  public static final int VDISK_REMOVABLE = 0x2;
  public static final int VDISK_READONLY = 0x4;

  /** {@code XEN_IO_PROTO_ABI_X86_64}. */
  public static final String PROTOCOL_X86_64 = "x86_64-abi";

  public static int u8(MemorySegment s, long at) {
    return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at));
  }

  public static int u16(MemorySegment s, long at) {
    return Short.toUnsignedInt(s.get(U16, at));
  }

  public static int s16(MemorySegment s, long at) {
    return s.get(U16, at);
  }

  public static int u32(MemorySegment s, long at) {
    return s.get(U32, at);
  }

  public static long u64(MemorySegment s, long at) {
    return s.get(U64, at);
  }

  public static void put8(MemorySegment s, long at, int v) {
    s.set(ValueLayout.JAVA_BYTE, at, (byte) v);
  }

  public static void put16(MemorySegment s, long at, int v) {
    s.set(U16, at, (short) v);
  }

  public static void put32(MemorySegment s, long at, int v) {
    s.set(U32, at, v);
  }

  public static void put64(MemorySegment s, long at, long v) {
    s.set(U64, at, v);
  }

  /** Writes a segment descriptor at {@code at} (in a request or an indirect page). */
  public static void segment(MemorySegment s, long at, int gref, int firstSect, int lastSect) {
    put32(s, at + SEG_GREF, gref);
    put8(s, at + SEG_FIRST_SECT, firstSect);
    put8(s, at + SEG_LAST_SECT, lastSect);
    put16(s, at + 6, 0);
  }

  /** Writes a response at {@code at}. */
  public static void response(MemorySegment s, long at, long id, int operation, int status) {
    put64(s, at + RSP_ID, id);
    put8(s, at + RSP_OPERATION, operation);
    put8(s, at + 9, 0);
    put16(s, at + RSP_STATUS, status);
    put32(s, at + 12, 0);
  }
}
