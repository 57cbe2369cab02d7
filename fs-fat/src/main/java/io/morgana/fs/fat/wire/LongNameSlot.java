package io.morgana.fs.fat.wire;

import io.netty.buffer.ByteBuf;

/**
 * One VFAT long-name entry (fatgen103 §7): its ordinal (1-based, {@code 0x40} marks the last
 * entry of a name, which comes first on disk), 13 UTF-16 code units, and the checksum of the
 * short entry it belongs to.
 */
public record LongNameSlot(int ordinal, boolean last, char[] chars, int checksum) {

  public LongNameSlot {
    if (chars.length != 13) {
      throw new IllegalArgumentException("a long-name entry holds 13 code units");
    }
    chars = chars.clone();
  }

  @Override
  public char[] chars() {
    return chars.clone();
  }

  /** Parses the 32 bytes at absolute {@code offset}. */
  public static LongNameSlot parse(ByteBuf buf, int offset) throws FatFormatException {
    if (offset < 0 || buf.capacity() < offset + DirectoryEntry.LENGTH) {
      throw new FatFormatException("long-name entry truncated");
    }
    DirectoryEntry e = new DirectoryEntry().wrap(buf, offset);
    if (!e.isLongName()) {
      throw new FatFormatException("not a long-name entry");
    }
    int ord = e.lfnOrdinal();
    int n = ord & 0x1F;
    if (n == 0 || (ord & ~(0x1F | DirectoryEntry.LFN_LAST)) != 0) {
      throw new FatFormatException("long-name entry with ordinal 0x" + Integer.toHexString(ord));
    }
    char[] c = new char[13];
    for (int i = 0; i < 13; i++) {
      c[i] = e.lfnChar(i);
    }
    return new LongNameSlot(n, (ord & DirectoryEntry.LFN_LAST) != 0, c, e.lfnChecksum());
  }

  /** Writes the 32 bytes at absolute {@code offset}. */
  public void emit(ByteBuf buf, int offset) {
    buf.setZero(offset, DirectoryEntry.LENGTH);
    buf.setByte(offset, ordinal | (last ? DirectoryEntry.LFN_LAST : 0));
    buf.setByte(offset + DirectoryEntry.ATTR_OFFSET, DirectoryEntry.ATTR_LONG_NAME);
    buf.setByte(offset + DirectoryEntry.LFN_CHECKSUM_OFFSET, checksum);
    for (int i = 0; i < 13; i++) {
      buf.setShortLE(offset + DirectoryEntry.LFN_CHAR_OFFSETS[i], chars[i]);
    }
  }

  /**
   * The long-name entries for {@code name} (at most 255 code units), in on-disk order: the entry
   * with the highest ordinal (marked last) first. Unused code units after the terminating NUL
   * are 0xFFFF.
   */
  public static LongNameSlot[] forName(String name, int checksum) {
    int n = (name.length() + 12) / 13;
    LongNameSlot[] out = new LongNameSlot[n];
    for (int k = 0; k < n; k++) {
      char[] c = new char[13];
      for (int i = 0; i < 13; i++) {
        int at = k * 13 + i;
        c[i] = at < name.length() ? name.charAt(at) : at == name.length() ? 0 : (char) 0xFFFF;
      }
      out[n - 1 - k] = new LongNameSlot(k + 1, k == n - 1, c, checksum);
    }
    return out;
  }
}
