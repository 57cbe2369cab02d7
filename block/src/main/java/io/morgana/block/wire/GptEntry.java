package io.morgana.block.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One GPT partition entry (UEFI 2.10 section 5.3.3, table 5-6).
 *
 * <pre>
 *  0  partition type GUID (16)     16  unique partition GUID (16)
 * 32  starting LBA (8)             40  ending LBA, inclusive (8)
 * 48  attributes (8)               56  partition name, 36 UTF-16LE code units, NUL-padded (72)
 * </pre>
 *
 * An entry whose type GUID is all zeros is unused.
 *
 * @param name at most 36 UTF-16 code units; ends at the first NUL when parsed
 */
public record GptEntry(UUID type, UUID unique, long firstLba, long lastLba, long attributes, String name) {

  public static final int SIZE = 128;
  public static final int TYPE_OFFSET = 0;
  public static final int UNIQUE_OFFSET = 16;
  public static final int FIRST_LBA_OFFSET = 32;
  public static final int LAST_LBA_OFFSET = 40;
  public static final int ATTRIBUTES_OFFSET = 48;
  public static final int NAME_OFFSET = 56;
  public static final int NAME_UNITS = 36;

  /** The all-zero GUID of an unused entry. */
  public static final UUID UNUSED = new UUID(0, 0);

  public GptEntry {
    java.util.Objects.requireNonNull(type, "type");
    java.util.Objects.requireNonNull(unique, "unique");
    java.util.Objects.requireNonNull(name, "name");
    if (name.length() > NAME_UNITS || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("GPT partition name must be at most 36 UTF-16 units without NUL: '" + name + "'");
    }
  }

  /** Whether the entry is unused (type GUID zero). */
  public boolean isUnused() {
    return type.equals(UNUSED);
  }

  /** Parses the entry at {@code offset}; never fails on content (LBAs are checked by the table reader). */
  public static GptEntry parse(ByteBuf buf, int offset) {
    int units = 0;
    while (units < NAME_UNITS && buf.getShortLE(offset + NAME_OFFSET + 2 * units) != 0) {
      units++;
    }
    String name = buf.toString(offset + NAME_OFFSET, 2 * units, StandardCharsets.UTF_16LE);
    if (name.length() > NAME_UNITS) { // unpaired surrogates become U+FFFD, one unit each
      name = name.substring(0, NAME_UNITS);
    }
    return new GptEntry(
        Guids.get(buf, offset + TYPE_OFFSET),
        Guids.get(buf, offset + UNIQUE_OFFSET),
        buf.getLongLE(offset + FIRST_LBA_OFFSET),
        buf.getLongLE(offset + LAST_LBA_OFFSET),
        buf.getLongLE(offset + ATTRIBUTES_OFFSET),
        name);
  }

  /** Writes the entry at {@code offset} ({@link #SIZE} bytes). */
  public void emit(ByteBuf buf, int offset) {
    buf.setZero(offset, SIZE);
    Guids.set(buf, offset + TYPE_OFFSET, type);
    Guids.set(buf, offset + UNIQUE_OFFSET, unique);
    buf.setLongLE(offset + FIRST_LBA_OFFSET, firstLba);
    buf.setLongLE(offset + LAST_LBA_OFFSET, lastLba);
    buf.setLongLE(offset + ATTRIBUTES_OFFSET, attributes);
    for (int i = 0; i < name.length(); i++) {
      buf.setShortLE(offset + NAME_OFFSET + 2 * i, name.charAt(i));
    }
  }
}
