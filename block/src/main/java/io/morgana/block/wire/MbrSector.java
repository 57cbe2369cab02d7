package io.morgana.block.wire;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The first 512 bytes of an MBR or EBR sector (UEFI 2.10 table 5-1, "Legacy MBR").
 *
 * <pre>
 *   0 .. 439   boot code (kept as zeros when emitting)
 * 440 .. 443   unique MBR disk signature (LE)
 * 444 .. 445   unknown / copy-protect
 * 446 .. 509   four 16-byte partition entries ({@link MbrEntry})
 * 510 .. 511   signature 0x55 0xAA
 * </pre>
 *
 * In an EBR only entries 0 (the logical partition) and 1 (the link to the next EBR) are used.
 *
 * @param diskSignature the unique disk signature (0 in an EBR)
 * @param entries exactly four entries, {@link MbrEntry#EMPTY} for unused slots
 */
public record MbrSector(int diskSignature, List<MbrEntry> entries) {

  public static final int SIZE = 512;
  public static final int DISK_SIGNATURE_OFFSET = 440;
  public static final int ENTRIES_OFFSET = 446;
  public static final int SIGNATURE_OFFSET = 510;
  public static final int SIGNATURE = 0xAA55; // bytes 0x55 0xAA, read little-endian

  public MbrSector {
    entries = List.copyOf(entries);
    if (entries.size() != 4) {
      throw new IllegalArgumentException("an MBR has exactly 4 entries, got " + entries.size());
    }
  }

  /** Whether the 0x55 0xAA signature is present at offset 510. */
  public static boolean hasSignature(ByteBuf buf, int offset) {
    return buf.capacity() >= offset + SIZE && buf.getUnsignedShortLE(offset + SIGNATURE_OFFSET) == SIGNATURE;
  }

  /**
   * Parses the sector starting at {@code offset}.
   *
   * @param what names the sector in errors ("MBR", "EBR at sector 4096")
   * @throws MalformedPartitionTableException when the signature is missing or an entry is bad
   */
  public static MbrSector parse(ByteBuf buf, int offset, String what) throws MalformedPartitionTableException {
    if (offset < 0 || buf.capacity() < offset + SIZE) {
      throw new MalformedPartitionTableException(what + ": need " + SIZE + " bytes, got " + (buf.capacity() - offset));
    }
    if (!hasSignature(buf, offset)) {
      throw new MalformedPartitionTableException(
          what + ": no 0x55 0xAA signature at byte 510 (found 0x"
              + Integer.toHexString(buf.getUnsignedByte(offset + 510)) + " 0x"
              + Integer.toHexString(buf.getUnsignedByte(offset + 511)) + ")");
    }
    List<MbrEntry> entries = new ArrayList<>(4);
    for (int i = 0; i < 4; i++) {
      try {
        entries.add(MbrEntry.parse(buf, offset + ENTRIES_OFFSET + i * MbrEntry.SIZE));
      } catch (MalformedPartitionTableException e) {
        throw new MalformedPartitionTableException(what + ", entry " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new MbrSector(buf.getIntLE(offset + DISK_SIGNATURE_OFFSET), entries);
  }

  /**
   * Writes the sector at {@code offset}: zero boot code, the disk signature, the entries with CHS
   * from their own LBA fields, offset by {@code lbaBase} (0 in an MBR; in an EBR the entries are
   * relative, so pass the EBR's own sector for entry 0; entry 1 is given {@code linkBase}).
   */
  public void emit(ByteBuf buf, int offset, long lbaBase, long linkBase) {
    buf.setZero(offset, SIZE);
    buf.setIntLE(offset + DISK_SIGNATURE_OFFSET, diskSignature);
    for (int i = 0; i < 4; i++) {
      MbrEntry e = entries.get(i);
      long base = i == 1 ? linkBase : lbaBase;
      long first = base + e.firstLba();
      e.emit(buf, offset + ENTRIES_OFFSET + i * MbrEntry.SIZE, first, first + Math.max(e.sectorCount(), 1) - 1);
    }
    buf.setShortLE(offset + SIGNATURE_OFFSET, SIGNATURE);
  }

  /** Writes an MBR (absolute LBAs) at {@code offset}. */
  public void emit(ByteBuf buf, int offset) {
    emit(buf, offset, 0, 0);
  }
}
