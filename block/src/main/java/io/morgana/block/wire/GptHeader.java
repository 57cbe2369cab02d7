package io.morgana.block.wire;

import io.netty.buffer.ByteBuf;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The GPT header (UEFI 2.10 section 5.3.2, table 5-5), at LBA 1 (primary) and at the last LBA
 * (backup).
 *
 * <pre>
 *  0  signature "EFI PART"          8  revision 0x00010000     12  header size (92)
 * 16  header CRC32                 20  reserved (0)            24  my LBA
 * 32  alternate LBA                40  first usable LBA        48  last usable LBA
 * 56  disk GUID (16)               72  partition entry LBA     80  number of entries
 * 84  size of an entry            88  entry array CRC32       92.. reserved (zeros)
 * </pre>
 *
 * All integers little-endian. The header CRC32 covers {@code headerSize} bytes with the CRC field
 * taken as zero; the entry CRC32 covers {@code entryCount * entrySize} bytes of the entry array.
 */
public record GptHeader(
    int revision,
    int headerSize,
    long myLba,
    long alternateLba,
    long firstUsableLba,
    long lastUsableLba,
    UUID diskGuid,
    long entriesLba,
    int entryCount,
    int entrySize,
    int entriesCrc32) {

  public static final long SIGNATURE = 0x5452415020494645L; // "EFI PART" little-endian
  public static final int REVISION_1_0 = 0x0001_0000;
  public static final int SIZE = 92;

  public static final int SIGNATURE_OFFSET = 0;
  public static final int REVISION_OFFSET = 8;
  public static final int HEADER_SIZE_OFFSET = 12;
  public static final int HEADER_CRC_OFFSET = 16;
  public static final int RESERVED_OFFSET = 20;
  public static final int MY_LBA_OFFSET = 24;
  public static final int ALTERNATE_LBA_OFFSET = 32;
  public static final int FIRST_USABLE_OFFSET = 40;
  public static final int LAST_USABLE_OFFSET = 48;
  public static final int DISK_GUID_OFFSET = 56;
  public static final int ENTRIES_LBA_OFFSET = 72;
  public static final int ENTRY_COUNT_OFFSET = 80;
  public static final int ENTRY_SIZE_OFFSET = 84;
  public static final int ENTRIES_CRC_OFFSET = 88;

  /** Largest entry array accepted when parsing, in bytes (sgdisk's limit is far below). */
  public static final long MAX_ENTRY_ARRAY_BYTES = 16L << 20;

  /**
   * Parses and checks a header read from LBA {@code lba} of a disk of {@code diskSectors} sectors
   * of {@code sectorSize} bytes: signature, header size, header CRC32, that it says it is at
   * {@code lba}, entry size ({@code 128 * 2^n}), and that the entry array and usable range lie on
   * the disk. The entry array's CRC is checked by the caller against the bytes it reads.
   *
   * @param what names the header in errors ("primary GPT header")
   */
  public static GptHeader parse(ByteBuf buf, int offset, long lba, long diskSectors, int sectorSize, String what)
      throws MalformedPartitionTableException {
    if (offset < 0 || buf.capacity() - offset < SIZE) {
      throw new MalformedPartitionTableException(what + ": need " + SIZE + " bytes");
    }
    if (buf.getLongLE(offset + SIGNATURE_OFFSET) != SIGNATURE) {
      throw new MalformedPartitionTableException(what + " at LBA " + lba + ": no \"EFI PART\" signature");
    }
    int headerSize = buf.getIntLE(offset + HEADER_SIZE_OFFSET);
    if (headerSize < SIZE || headerSize > sectorSize || headerSize > buf.capacity() - offset) {
      throw new MalformedPartitionTableException(
          what + " at LBA " + lba + ": header size " + Integer.toUnsignedString(headerSize) + " is not between 92 and the sector size " + sectorSize);
    }
    int stored = buf.getIntLE(offset + HEADER_CRC_OFFSET);
    int computed = headerCrc(buf, offset, headerSize);
    if (stored != computed) {
      throw new MalformedPartitionTableException(
          what + " at LBA " + lba + ": header CRC32 is 0x" + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(computed));
    }
    GptHeader h = new GptHeader(
        buf.getIntLE(offset + REVISION_OFFSET),
        headerSize,
        buf.getLongLE(offset + MY_LBA_OFFSET),
        buf.getLongLE(offset + ALTERNATE_LBA_OFFSET),
        buf.getLongLE(offset + FIRST_USABLE_OFFSET),
        buf.getLongLE(offset + LAST_USABLE_OFFSET),
        Guids.get(buf, offset + DISK_GUID_OFFSET),
        buf.getLongLE(offset + ENTRIES_LBA_OFFSET),
        buf.getIntLE(offset + ENTRY_COUNT_OFFSET),
        buf.getIntLE(offset + ENTRY_SIZE_OFFSET),
        buf.getIntLE(offset + ENTRIES_CRC_OFFSET));
    h.check(lba, diskSectors, sectorSize, what);
    return h;
  }

  private void check(long lba, long diskSectors, int sectorSize, String what) throws MalformedPartitionTableException {
    String at = what + " at LBA " + lba + ": ";
    if (myLba != lba) {
      throw new MalformedPartitionTableException(at + "it says it is at LBA " + Long.toUnsignedString(myLba));
    }
    if (entrySize < GptEntry.SIZE || Integer.bitCount(entrySize) != 1) {
      throw new MalformedPartitionTableException(at + "entry size " + Integer.toUnsignedString(entrySize) + " is not 128 * 2^n");
    }
    if (entryCount < 0 || (long) entryCount * entrySize > MAX_ENTRY_ARRAY_BYTES) {
      throw new MalformedPartitionTableException(
          at + Integer.toUnsignedString(entryCount) + " entries of " + entrySize + " bytes exceed " + MAX_ENTRY_ARRAY_BYTES + " bytes");
    }
    long arraySectors = entryArraySectors(sectorSize);
    if (entriesLba < 2 || entriesLba >= diskSectors || arraySectors > diskSectors - entriesLba) {
      throw new MalformedPartitionTableException(
          at + "entry array (" + arraySectors + " sectors at LBA " + Long.toUnsignedString(entriesLba) + ") is not on the disk of " + diskSectors + " sectors");
    }
    if (firstUsableLba < 2 || lastUsableLba >= diskSectors || lastUsableLba < 0 || firstUsableLba > lastUsableLba + 1) {
      throw new MalformedPartitionTableException(
          at + "usable range " + Long.toUnsignedString(firstUsableLba) + ".." + Long.toUnsignedString(lastUsableLba)
              + " is not on the disk of " + diskSectors + " sectors");
    }
    if (alternateLba < 1 || alternateLba >= diskSectors) {
      throw new MalformedPartitionTableException(at + "alternate LBA " + Long.toUnsignedString(alternateLba) + " is not on the disk of " + diskSectors + " sectors");
    }
  }

  /** Sectors the entry array occupies. */
  public long entryArraySectors(int sectorSize) {
    long bytes = (long) entryCount * entrySize;
    return (bytes + sectorSize - 1) / sectorSize;
  }

  /** Writes the header at {@code offset} ({@code headerSize} bytes; reserved bytes zero) with its CRC32. */
  public void emit(ByteBuf buf, int offset) {
    buf.setZero(offset, headerSize);
    buf.setLongLE(offset + SIGNATURE_OFFSET, SIGNATURE);
    buf.setIntLE(offset + REVISION_OFFSET, revision);
    buf.setIntLE(offset + HEADER_SIZE_OFFSET, headerSize);
    buf.setLongLE(offset + MY_LBA_OFFSET, myLba);
    buf.setLongLE(offset + ALTERNATE_LBA_OFFSET, alternateLba);
    buf.setLongLE(offset + FIRST_USABLE_OFFSET, firstUsableLba);
    buf.setLongLE(offset + LAST_USABLE_OFFSET, lastUsableLba);
    Guids.set(buf, offset + DISK_GUID_OFFSET, diskGuid);
    buf.setLongLE(offset + ENTRIES_LBA_OFFSET, entriesLba);
    buf.setIntLE(offset + ENTRY_COUNT_OFFSET, entryCount);
    buf.setIntLE(offset + ENTRY_SIZE_OFFSET, entrySize);
    buf.setIntLE(offset + ENTRIES_CRC_OFFSET, entriesCrc32);
    buf.setIntLE(offset + HEADER_CRC_OFFSET, headerCrc(buf, offset, headerSize));
  }

  /** CRC32 of {@code headerSize} bytes at {@code offset} with the CRC field taken as zero. */
  public static int headerCrc(ByteBuf buf, int offset, int headerSize) {
    CRC32 crc = new CRC32();
    crc.update(buf.nioBuffer(offset, HEADER_CRC_OFFSET));
    crc.update(new byte[4]);
    crc.update(buf.nioBuffer(offset + HEADER_CRC_OFFSET + 4, headerSize - HEADER_CRC_OFFSET - 4));
    return (int) crc.getValue();
  }

  /** CRC32 of {@code length} bytes at {@code offset}, the checksum of an entry array. */
  public static int crc32(ByteBuf buf, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(buf.nioBuffer(offset, length));
    return (int) crc.getValue();
  }
}
