package io.morgana.block.wire;

import io.netty.buffer.ByteBuf;
import java.util.UUID;

/**
 * GUIDs as EFI stores them (UEFI 2.10 appendix A): the first three fields little-endian, the last
 * eight bytes in order. {@code C12A7328-F81F-11D2-BA4B-00A0C93EC93B} is stored as {@code 28 73 2A C1
 * 1F F8 D2 11 BA 4B 00 A0 C9 3E C9 3B}.
 */
public final class Guids {

  public static final int SIZE = 16;

  private Guids() {}

  /** Reads the GUID at {@code offset}. */
  public static UUID get(ByteBuf buf, int offset) {
    long d1 = buf.getUnsignedIntLE(offset);
    long d2 = buf.getUnsignedShortLE(offset + 4);
    long d3 = buf.getUnsignedShortLE(offset + 6);
    long msb = (d1 << 32) | (d2 << 16) | d3;
    long lsb = buf.getLong(offset + 8);
    return new UUID(msb, lsb);
  }

  /** Writes {@code guid} at {@code offset}. */
  public static void set(ByteBuf buf, int offset, UUID guid) {
    long msb = guid.getMostSignificantBits();
    buf.setIntLE(offset, (int) (msb >>> 32));
    buf.setShortLE(offset + 4, (int) (msb >>> 16));
    buf.setShortLE(offset + 6, (int) msb);
    buf.setLong(offset + 8, guid.getLeastSignificantBits());
  }
}
