package io.morgana.xen.netfront.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The slots of the netif rings, as {@code /usr/include/xen/io/netif.h} lays them out (x86_64 and
 * x86_32 alike; little-endian): absolute accessors over a ring's memory at a slot's byte offset,
 * so a driver reads and writes slots in place without allocating.
 *
 * <pre>
 * struct netif_tx_request {         struct netif_tx_response {
 *   grant_ref_t gref;    // 0          uint16_t id;        // 0
 *   uint16_t offset;     // 4          int16_t  status;    // 2
 *   uint16_t flags;      // 6        };                    // 4 (slot 12)
 *   uint16_t id;         // 8
 *   uint16_t size;       // 10       struct netif_rx_response {
 * };                     // 12         uint16_t id;        // 0
 *                                      uint16_t offset;    // 2
 * struct netif_rx_request {            uint16_t flags;     // 4
 *   uint16_t id;         // 0          int16_t  status;    // 6
 *   uint16_t pad;        // 2        };                    // 8
 *   grant_ref_t gref;    // 4
 * };                     // 8        struct netif_extra_info { uint8_t type; uint8_t flags;
 *                                      union { struct { uint16_t size; uint8_t type; uint8_t pad;
 *                                      uint16_t features; } gso; ... } u; };   // 8
 * </pre>
 *
 * Nothing here checks a value the peer wrote: drivers copy a slot, then validate it.
 */
public final class NetifWire {

  private NetifWire() {}

  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  // netif_tx_request
  public static final int TX_REQ_GREF = 0;
  public static final int TX_REQ_OFFSET = 4;
  public static final int TX_REQ_FLAGS = 6;
  public static final int TX_REQ_ID = 8;
  public static final int TX_REQ_SIZE = 10;
  public static final int TX_REQ_BYTES = 12;
  // netif_tx_response
  public static final int TX_RSP_ID = 0;
  public static final int TX_RSP_STATUS = 2;
  public static final int TX_RSP_BYTES = 4;
  // netif_rx_request
  public static final int RX_REQ_ID = 0;
  public static final int RX_REQ_PAD = 2;
  public static final int RX_REQ_GREF = 4;
  public static final int RX_REQ_BYTES = 8;
  // netif_rx_response
  public static final int RX_RSP_ID = 0;
  public static final int RX_RSP_OFFSET = 2;
  public static final int RX_RSP_FLAGS = 4;
  public static final int RX_RSP_STATUS = 6;
  public static final int RX_RSP_BYTES = 8;
  // netif_extra_info
  public static final int EXTRA_TYPE = 0;
  public static final int EXTRA_FLAGS = 1;
  public static final int EXTRA_GSO_SIZE = 2;
  public static final int EXTRA_GSO_TYPE = 4;
  public static final int EXTRA_GSO_PAD = 5;
  public static final int EXTRA_GSO_FEATURES = 6;
  public static final int EXTRA_BYTES = 8;

  /** {@code NETTXF_csum_blank}: the protocol checksum is blank, the backend fills it. */
  public static final int NETTXF_CSUM_BLANK = 0x1;
  /** {@code NETTXF_data_validated}. */
  public static final int NETTXF_DATA_VALIDATED = 0x2;
  /** {@code NETTXF_more_data}: the packet continues in the next request. */
  public static final int NETTXF_MORE_DATA = 0x4;
  /** {@code NETTXF_extra_info}: extra-info slots follow. */
  public static final int NETTXF_EXTRA_INFO = 0x8;

  /** {@code NETRXF_data_validated}: the checksum was validated. */
  public static final int NETRXF_DATA_VALIDATED = 0x1;
  /** {@code NETRXF_csum_blank}: the checksum is blank (partial). */
  public static final int NETRXF_CSUM_BLANK = 0x2;
  /** {@code NETRXF_more_data}: the packet continues in the next response. */
  public static final int NETRXF_MORE_DATA = 0x4;
  /** {@code NETRXF_extra_info}: extra-info slots follow. */
  public static final int NETRXF_EXTRA_INFO = 0x8;
  /** {@code NETRXF_gso_prefix} (deprecated). */
  public static final int NETRXF_GSO_PREFIX = 0x10;

  /** {@code XEN_NETIF_EXTRA_TYPE_GSO}. */
  public static final int EXTRA_TYPE_GSO = 1;
  /** {@code XEN_NETIF_EXTRA_TYPE_MAX} of Xen 4.17 (types are 1..MAX-1). */
  public static final int EXTRA_TYPE_MAX = 5;
  /** {@code XEN_NETIF_EXTRA_FLAG_MORE}. */
  public static final int EXTRA_FLAG_MORE = 0x1;
  /** {@code XEN_NETIF_GSO_TYPE_TCPV4}. */
  public static final int GSO_TYPE_TCPV4 = 1;
  /** {@code XEN_NETIF_GSO_TYPE_TCPV6}. */
  public static final int GSO_TYPE_TCPV6 = 2;

  /** {@code NETIF_RSP_DROPPED}. */
  public static final int RSP_DROPPED = -2;
  /** {@code NETIF_RSP_ERROR}. */
  public static final int RSP_ERROR = -1;
  /** {@code NETIF_RSP_OKAY}. */
  public static final int RSP_OKAY = 0;
  /** {@code NETIF_RSP_NULL}: the response paired with an extra-info request. */
  public static final int RSP_NULL = 1;

  /** {@code XEN_NETIF_NR_SLOTS_MIN}: a backend accepts packets of up to this many slots. */
  public static final int NR_SLOTS_MIN = 18;
  /** {@code XEN_NETIF_MAX_TX_SIZE}. */
  public static final int MAX_TX_SIZE = 0xffff;

  /** Reads a {@code uint16_t}. */
  public static int u16(MemorySegment s, long at) {
    return Short.toUnsignedInt(s.get(U16, at));
  }

  /** Reads an {@code int16_t}. */
  public static int s16(MemorySegment s, long at) {
    return s.get(U16, at);
  }

  /** Reads a {@code uint32_t} (as an int). */
  public static int u32(MemorySegment s, long at) {
    return s.get(U32, at);
  }

  /** Reads a {@code uint8_t}. */
  public static int u8(MemorySegment s, long at) {
    return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at));
  }

  /** Writes a 16-bit field. */
  public static void put16(MemorySegment s, long at, int v) {
    s.set(U16, at, (short) v);
  }

  /** Writes a 32-bit field. */
  public static void put32(MemorySegment s, long at, int v) {
    s.set(U32, at, v);
  }

  /** Writes an 8-bit field. */
  public static void put8(MemorySegment s, long at, int v) {
    s.set(ValueLayout.JAVA_BYTE, at, (byte) v);
  }

  /** Writes a whole {@code netif_tx_request} at {@code at}. */
  public static void txRequest(MemorySegment s, long at, int gref, int offset, int flags, int id, int size) {
    put32(s, at + TX_REQ_GREF, gref);
    put16(s, at + TX_REQ_OFFSET, offset);
    put16(s, at + TX_REQ_FLAGS, flags);
    put16(s, at + TX_REQ_ID, id);
    put16(s, at + TX_REQ_SIZE, size);
  }

  /** Writes a whole {@code netif_tx_response} at {@code at}. */
  public static void txResponse(MemorySegment s, long at, int id, int status) {
    put16(s, at + TX_RSP_ID, id);
    put16(s, at + TX_RSP_STATUS, status);
  }

  /** Writes a whole {@code netif_rx_request} at {@code at}. */
  public static void rxRequest(MemorySegment s, long at, int id, int gref) {
    put16(s, at + RX_REQ_ID, id);
    put16(s, at + RX_REQ_PAD, 0);
    put32(s, at + RX_REQ_GREF, gref);
  }

  /** Writes a whole {@code netif_rx_response} at {@code at}. */
  public static void rxResponse(MemorySegment s, long at, int id, int offset, int flags, int status) {
    put16(s, at + RX_RSP_ID, id);
    put16(s, at + RX_RSP_OFFSET, offset);
    put16(s, at + RX_RSP_FLAGS, flags);
    put16(s, at + RX_RSP_STATUS, status);
  }
}
