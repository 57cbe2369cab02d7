package io.morgana.fs.fat.wire;

import io.netty.buffer.ByteBuf;

/**
 * The FAT32 FSInfo sector (fatgen103 §5): a hint of the free cluster count and of the next free
 * cluster; {@code 0xFFFFFFFF} means unknown.
 *
 * <pre>
 *  0   FSI_LeadSig   u32 = 0x41615252
 *  484 FSI_StrucSig  u32 = 0x61417272
 *  488 FSI_Free_Count u32
 *  492 FSI_Nxt_Free   u32
 *  508 FSI_TrailSig  u32 = 0xAA550000
 * </pre>
 */
public record FsInfo(long freeCount, long nextFree) {

  public static final int LEAD_SIG_OFFSET = 0;
  public static final int STRUC_SIG_OFFSET = 484;
  public static final int FREE_COUNT_OFFSET = 488;
  public static final int NEXT_FREE_OFFSET = 492;
  public static final int TRAIL_SIG_OFFSET = 508;
  public static final long UNKNOWN = 0xFFFFFFFFL;
  public static final int LEAD_SIG = 0x41615252;
  public static final int STRUC_SIG = 0x61417272;
  public static final int TRAIL_SIG = 0xAA550000;

  /** Parses the FSInfo sector at absolute {@code offset}; bad signatures are malformed data. */
  public static FsInfo parse(ByteBuf buf, int offset) throws FatFormatException {
    if (offset < 0 || buf.capacity() < offset + 512) {
      throw new FatFormatException("FSInfo sector truncated");
    }
    if (buf.getIntLE(offset + LEAD_SIG_OFFSET) != LEAD_SIG
        || buf.getIntLE(offset + STRUC_SIG_OFFSET) != STRUC_SIG
        || buf.getIntLE(offset + TRAIL_SIG_OFFSET) != TRAIL_SIG) {
      throw new FatFormatException("FSInfo sector has bad signatures");
    }
    return new FsInfo(buf.getUnsignedIntLE(offset + FREE_COUNT_OFFSET),
        buf.getUnsignedIntLE(offset + NEXT_FREE_OFFSET));
  }

  /** Writes the whole 512-byte sector at absolute {@code offset} (signatures included). */
  public void emit(ByteBuf buf, int offset) {
    buf.setZero(offset, 512);
    buf.setIntLE(offset + LEAD_SIG_OFFSET, LEAD_SIG);
    buf.setIntLE(offset + STRUC_SIG_OFFSET, STRUC_SIG);
    buf.setIntLE(offset + FREE_COUNT_OFFSET, (int) freeCount);
    buf.setIntLE(offset + NEXT_FREE_OFFSET, (int) nextFree);
    buf.setIntLE(offset + TRAIL_SIG_OFFSET, TRAIL_SIG);
  }
}
