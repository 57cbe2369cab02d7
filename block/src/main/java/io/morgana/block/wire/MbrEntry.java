package io.morgana.block.wire;

import io.netty.buffer.ByteBuf;

/**
 * One 16-byte partition entry of an MBR or EBR (UEFI 2.10 table 5-2, "Legacy MBR Partition
 * Record").
 *
 * <pre>
 *  0      1          4      5          8                12               16
 * +------+----------+------+----------+----------------+----------------+
 * |status| CHS first | type | CHS last | first LBA (LE) | sectors (LE)   |
 * +------+----------+------+----------+----------------+----------------+
 * </pre>
 *
 * CHS fields are ignored when parsing and derived from the LBA fields when emitting (255 heads,
 * 63 sectors per track; {@code FE FF FF} past cylinder 1023), as Linux's fdisk does. In an EBR the
 * first LBA is relative (to the EBR for the logical entry, to the extended partition for the link);
 * this record holds the raw value.
 *
 * @param bootable status byte 0x80 (0x00 otherwise)
 * @param type the partition type byte; 0 means the entry is empty
 * @param firstLba the raw first-LBA field, unsigned 32 bits
 * @param sectorCount the raw sector-count field, unsigned 32 bits
 */
public record MbrEntry(boolean bootable, int type, long firstLba, long sectorCount) {

  public static final int SIZE = 16;
  public static final int STATUS_OFFSET = 0;
  public static final int CHS_FIRST_OFFSET = 1;
  public static final int TYPE_OFFSET = 4;
  public static final int CHS_LAST_OFFSET = 5;
  public static final int FIRST_LBA_OFFSET = 8;
  public static final int SECTOR_COUNT_OFFSET = 12;

  /** An unused slot. */
  public static final MbrEntry EMPTY = new MbrEntry(false, 0, 0, 0);

  /** Type of the GPT protective partition. */
  public static final int TYPE_GPT_PROTECTIVE = 0xEE;
  /** Extended partition types (CHS, LBA, Linux) that hold a chain of EBRs. */
  public static final int TYPE_EXTENDED_CHS = 0x05;
  public static final int TYPE_EXTENDED_LBA = 0x0F;
  public static final int TYPE_EXTENDED_LINUX = 0x85;

  public MbrEntry {
    if (type < 0 || type > 0xFF) {
      throw new IllegalArgumentException("type must be a byte, got " + type);
    }
    if (firstLba < 0 || firstLba > 0xFFFF_FFFFL || sectorCount < 0 || sectorCount > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("MBR fields are unsigned 32-bit: first " + firstLba + ", count " + sectorCount);
    }
  }

  /** Whether the slot is unused (type 0). */
  public boolean isEmpty() {
    return type == 0;
  }

  /** Whether the type is one of the extended-partition types. */
  public boolean isExtended() {
    return type == TYPE_EXTENDED_CHS || type == TYPE_EXTENDED_LBA || type == TYPE_EXTENDED_LINUX;
  }

  /**
   * Parses the entry at {@code offset}.
   *
   * @throws MalformedPartitionTableException when the status byte is neither 0x00 nor 0x80
   */
  public static MbrEntry parse(ByteBuf buf, int offset) throws MalformedPartitionTableException {
    if (offset < 0 || offset + SIZE > buf.capacity()) {
      throw new MalformedPartitionTableException("MBR entry at offset " + offset + " does not fit in " + buf.capacity() + " bytes");
    }
    int status = buf.getUnsignedByte(offset + STATUS_OFFSET);
    if (status != 0x00 && status != 0x80) {
      throw new MalformedPartitionTableException(
          "MBR entry at offset " + offset + " has status byte 0x" + Integer.toHexString(status) + " (expected 0x00 or 0x80)");
    }
    return new MbrEntry(status == 0x80, buf.getUnsignedByte(offset + TYPE_OFFSET),
        buf.getUnsignedIntLE(offset + FIRST_LBA_OFFSET), buf.getUnsignedIntLE(offset + SECTOR_COUNT_OFFSET));
  }

  /**
   * Writes the entry at {@code offset}; CHS values are computed from {@code chsFirst}/{@code
   * chsLastInclusive}, the absolute LBAs of the partition (the raw fields may be relative).
   */
  public void emit(ByteBuf buf, int offset, long chsFirst, long chsLastInclusive) {
    if (isEmpty() && firstLba == 0 && sectorCount == 0) {
      buf.setZero(offset, SIZE);
      return;
    }
    buf.setByte(offset + STATUS_OFFSET, bootable ? 0x80 : 0x00);
    setChs(buf, offset + CHS_FIRST_OFFSET, chsFirst);
    buf.setByte(offset + TYPE_OFFSET, type);
    setChs(buf, offset + CHS_LAST_OFFSET, chsLastInclusive);
    buf.setIntLE(offset + FIRST_LBA_OFFSET, (int) firstLba);
    buf.setIntLE(offset + SECTOR_COUNT_OFFSET, (int) sectorCount);
  }

  /** Writes the entry with CHS computed from the raw LBA fields (absolute addressing). */
  public void emit(ByteBuf buf, int offset) {
    emit(buf, offset, firstLba, firstLba + Math.max(sectorCount, 1) - 1);
  }

  private static void setChs(ByteBuf buf, int offset, long lba) {
    final int heads = 255;
    final int sectors = 63;
    long cylinder = lba / (heads * sectors);
    if (cylinder > 1023) {
      buf.setByte(offset, 0xFE);
      buf.setByte(offset + 1, 0xFF);
      buf.setByte(offset + 2, 0xFF);
      return;
    }
    int head = (int) ((lba / sectors) % heads);
    int sector = (int) (lba % sectors) + 1;
    buf.setByte(offset, head);
    buf.setByte(offset + 1, (sector & 0x3F) | (int) ((cylinder >> 2) & 0xC0));
    buf.setByte(offset + 2, (int) (cylinder & 0xFF));
  }
}
