package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.block.wire.GptEntry;
import io.morgana.block.wire.GptHeader;
import io.morgana.block.wire.MalformedPartitionTableException;
import io.morgana.block.wire.MbrEntry;
import io.morgana.block.wire.MbrSector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A GUID Partition Table (UEFI 2.10 section 5.3): protective MBR at LBA 0, primary header at LBA
 * 1 followed by its entry array, backup entry array and backup header at the end of the disk.
 *
 * <p>{@link #read} checks the primary header's CRC32, its entry array's CRC32 and every entry
 * (inside the usable range, first <= last, no two overlapping); if any of that fails it uses the
 * backup header (at the primary's alternate LBA when the primary header itself was intact, else
 * at the last LBA) with the same checks. {@link #readDetailed} says which copies were intact.
 * Both damaged is a {@link MalformedPartitionTableException} quoting both reasons.
 *
 * @param diskGuid the disk GUID
 * @param firstUsableLba the first sector partitions may use
 * @param lastUsableLba the last sector partitions may use, inclusive
 * @param entryCount slots in the entry array (128 usually)
 * @param partitions the used entries, each with its 0-based slot
 */
public record Gpt(UUID diskGuid, long firstUsableLba, long lastUsableLba, int entryCount, List<Slot> partitions) {

  /** Type GUIDs commonly met (UEFI 2.10 table 5-7 and the Discoverable Partitions Specification). */
  public static final UUID TYPE_EFI_SYSTEM = UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
  public static final UUID TYPE_MICROSOFT_BASIC_DATA = UUID.fromString("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7");
  public static final UUID TYPE_LINUX_FILESYSTEM = UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4");
  public static final UUID TYPE_LINUX_SWAP = UUID.fromString("0657fd6d-a4ab-43c4-84e5-0933c84b4f4f");
  public static final UUID TYPE_BIOS_BOOT = UUID.fromString("21686148-6449-6e6f-744e-656564454649");

  /** The entry-array slots a new table gets (as sgdisk, sfdisk and the spec's minimum of 16 KiB). */
  public static final int DEFAULT_ENTRY_COUNT = 128;

  /**
   * A used entry and its slot in the entry array.
   *
   * @param index 0-based slot; the partition's number is {@code index + 1}
   */
  public record Slot(int index, GptEntry entry) {}

  /** What {@link #readDetailed} found: the table, and which of the two copies were intact. */
  public record ReadResult(Gpt gpt, boolean primaryIntact, boolean backupIntact, String primaryProblem, String backupProblem) {}

  public Gpt {
    partitions = List.copyOf(partitions);
  }

  /**
   * A table covering a whole disk of {@code diskSectors} sectors of {@code sectorSize} bytes with
   * {@link #DEFAULT_ENTRY_COUNT} slots: usable from just after the primary entry array to just
   * before the backup one.
   */
  public static Gpt forDisk(long diskSectors, int sectorSize, UUID diskGuid, List<Slot> partitions) {
    long arraySectors = arraySectors(DEFAULT_ENTRY_COUNT, sectorSize);
    return new Gpt(diskGuid, 2 + arraySectors, diskSectors - 2 - arraySectors, DEFAULT_ENTRY_COUNT, partitions);
  }

  /** The partitions, numbered by slot + 1, with type GUIDs and names. */
  public List<Partition> list() {
    List<Partition> out = new ArrayList<>();
    for (Slot s : partitions) {
      GptEntry e = s.entry();
      out.add(new Partition(s.index() + 1, e.firstLba(), e.lastLba() - e.firstLba() + 1, e.type().toString(), e.name()));
    }
    return out;
  }

  private static long arraySectors(int entryCount, int sectorSize) {
    return ((long) entryCount * GptEntry.SIZE + sectorSize - 1) / sectorSize;
  }

  /** Reads the table, falling back to the backup when the primary is damaged. */
  public static Gpt read(Block disk) throws IOException {
    return readDetailed(disk).gpt();
  }

  /**
   * Reads the table and reports which copies were intact.
   *
   * @throws MalformedPartitionTableException when neither copy is intact
   */
  public static ReadResult readDetailed(Block disk) throws IOException {
    long n = disk.info().sectorCount();
    if (n < 3) {
      throw new MalformedPartitionTableException(disk + " has " + n + " sectors: too small for a GPT");
    }
    Gpt primary = null;
    String primaryProblem = null;
    long alternate = n - 1;
    try {
      GptHeader h = readHeader(disk, 1, "primary GPT header");
      alternate = h.alternateLba();
      primary = readTable(disk, h, "primary GPT");
    } catch (MalformedPartitionTableException e) {
      primaryProblem = e.getMessage();
    }
    Gpt backup = null;
    String backupProblem = null;
    List<Long> candidates = alternate == n - 1 ? List.of(n - 1) : List.of(alternate, n - 1);
    for (long lba : candidates) {
      try {
        GptHeader h = readHeader(disk, lba, "backup GPT header");
        backup = readTable(disk, h, "backup GPT");
        backupProblem = null;
        break;
      } catch (MalformedPartitionTableException e) {
        backupProblem = backupProblem == null ? e.getMessage() : backupProblem + "; " + e.getMessage();
      }
    }
    if (primary == null && backup == null) {
      throw new MalformedPartitionTableException(
          "no intact GPT on " + disk + ": " + primaryProblem + "; " + backupProblem);
    }
    return new ReadResult(primary != null ? primary : backup, primary != null, backup != null, primaryProblem, backupProblem);
  }

  private static GptHeader readHeader(Block disk, long lba, String what) throws IOException {
    int sectorSize = disk.info().sectorSize();
    ByteBuf buf = Unpooled.buffer(sectorSize, sectorSize);
    disk.read(lba, buf);
    return GptHeader.parse(buf, 0, lba, disk.info().sectorCount(), sectorSize, what + " of " + disk);
  }

  private static Gpt readTable(Block disk, GptHeader h, String what) throws IOException {
    int sectorSize = disk.info().sectorSize();
    int arrayBytes = h.entryCount() * h.entrySize();
    int sectors = (int) h.entryArraySectors(sectorSize);
    ByteBuf buf = Unpooled.buffer(sectors * sectorSize, sectors * sectorSize);
    disk.read(h.entriesLba(), buf);
    int crc = GptHeader.crc32(buf, 0, arrayBytes);
    String at = what + " of " + disk + ": ";
    if (crc != h.entriesCrc32()) {
      throw new MalformedPartitionTableException(
          at + "entry array CRC32 is 0x" + Integer.toHexString(crc) + ", the header says 0x" + Integer.toHexString(h.entriesCrc32()));
    }
    long headerLba = h.myLba();
    long arrayEnd = h.entriesLba() + h.entryArraySectors(sectorSize) - 1;
    if (rangesOverlap(h.firstUsableLba(), h.lastUsableLba(), h.entriesLba(), arrayEnd)
        || (headerLba >= h.firstUsableLba() && headerLba <= h.lastUsableLba())) {
      throw new MalformedPartitionTableException(at + "the usable range " + h.firstUsableLba() + ".." + h.lastUsableLba()
          + " overlaps the header or the entry array");
    }
    List<Slot> slots = new ArrayList<>();
    for (int i = 0; i < h.entryCount(); i++) {
      GptEntry e = GptEntry.parse(buf, i * h.entrySize());
      if (e.isUnused()) {
        continue;
      }
      checkEntry(at + "partition " + (i + 1), e, h.firstUsableLba(), h.lastUsableLba());
      slots.add(new Slot(i, e));
    }
    checkOverlaps(at, slots);
    return new Gpt(h.diskGuid(), h.firstUsableLba(), h.lastUsableLba(), h.entryCount(), slots);
  }

  private static boolean rangesOverlap(long a0, long a1, long b0, long b1) {
    return a0 <= b1 && b0 <= a1;
  }

  private static void checkEntry(String what, GptEntry e, long firstUsable, long lastUsable) throws MalformedPartitionTableException {
    if (e.firstLba() > e.lastLba() || e.firstLba() < firstUsable || e.lastLba() > lastUsable) {
      throw new MalformedPartitionTableException(what + ": sectors " + Long.toUnsignedString(e.firstLba()) + ".."
          + Long.toUnsignedString(e.lastLba()) + " are not inside the usable range " + firstUsable + ".." + lastUsable);
    }
  }

  private static void checkOverlaps(String at, List<Slot> slots) throws MalformedPartitionTableException {
    List<Slot> sorted = new ArrayList<>(slots);
    sorted.sort(Comparator.comparingLong(s -> s.entry().firstLba()));
    for (int i = 1; i < sorted.size(); i++) {
      GptEntry a = sorted.get(i - 1).entry();
      GptEntry b = sorted.get(i).entry();
      if (b.firstLba() <= a.lastLba()) {
        throw new MalformedPartitionTableException(at + "partitions " + (sorted.get(i - 1).index() + 1) + " (" + a.firstLba() + ".."
            + a.lastLba() + ") and " + (sorted.get(i).index() + 1) + " (" + b.firstLba() + ".." + b.lastLba() + ") overlap");
      }
    }
  }

  /**
   * Writes the whole table to {@code disk}: a protective MBR at LBA 0 (one 0xEE entry covering
   * the disk, capped at 2^32 - 1 sectors), the primary header at LBA 1 with its entry array at LBA
   * 2, the backup entry array just before the last sector and the backup header at the last
   * sector. The table is checked first as {@link #read} would; nothing is written if it fails.
   *
   * @throws MalformedPartitionTableException when the table does not fit the disk, or entries
   *     fall outside the usable range, overlap, or share a slot
   */
  public void write(Block disk) throws IOException {
    int sectorSize = disk.info().sectorSize();
    long n = disk.info().sectorCount();
    long arraySectors = arraySectors(entryCount, sectorSize);
    if (entryCount < 1 || (long) entryCount * GptEntry.SIZE > GptHeader.MAX_ENTRY_ARRAY_BYTES) {
      throw new MalformedPartitionTableException("entry count " + entryCount + " is out of range");
    }
    long backupArray = n - 1 - arraySectors;
    if (firstUsableLba < 2 + arraySectors || lastUsableLba >= backupArray || firstUsableLba > lastUsableLba + 1) {
      throw new MalformedPartitionTableException("usable range " + firstUsableLba + ".." + lastUsableLba
          + " does not fit between the entry arrays on " + disk + " (" + n + " sectors; arrays of " + arraySectors + " sectors)");
    }
    Set<Integer> indices = new HashSet<>();
    for (Slot s : partitions) {
      if (s.index() < 0 || s.index() >= entryCount || !indices.add(s.index())) {
        throw new MalformedPartitionTableException("slot " + s.index() + " is out of range or used twice");
      }
      if (s.entry().isUnused()) {
        throw new MalformedPartitionTableException("slot " + s.index() + " has the unused (zero) type GUID");
      }
      checkEntry("partition " + (s.index() + 1), s.entry(), firstUsableLba, lastUsableLba);
    }
    checkOverlaps("", partitions);

    int arrayBytes = (int) (arraySectors * sectorSize);
    ByteBuf array = Unpooled.buffer(arrayBytes, arrayBytes);
    array.writeZero(arrayBytes);
    for (Slot s : partitions) {
      s.entry().emit(array, s.index() * GptEntry.SIZE);
    }
    int arrayCrc = GptHeader.crc32(array, 0, entryCount * GptEntry.SIZE);

    ByteBuf sector = Unpooled.buffer(sectorSize, sectorSize);
    // Backup first, primary last: a crash in between leaves at least one intact copy of the old or new table.
    GptHeader backup = new GptHeader(GptHeader.REVISION_1_0, GptHeader.SIZE, n - 1, 1, firstUsableLba, lastUsableLba,
        diskGuid, backupArray, entryCount, GptEntry.SIZE, arrayCrc);
    disk.write(backupArray, array.duplicate());
    sector.writeZero(sectorSize);
    backup.emit(sector, 0);
    disk.write(n - 1, sector);

    GptHeader primary = new GptHeader(GptHeader.REVISION_1_0, GptHeader.SIZE, 1, n - 1, firstUsableLba, lastUsableLba,
        diskGuid, 2, entryCount, GptEntry.SIZE, arrayCrc);
    disk.write(2, array.duplicate());
    sector.clear().writeZero(sectorSize);
    primary.emit(sector, 0);
    disk.write(1, sector);

    sector.clear().writeZero(sectorSize);
    MbrEntry protective = new MbrEntry(false, MbrEntry.TYPE_GPT_PROTECTIVE, 1, Math.min(n - 1, 0xFFFF_FFFFL));
    new MbrSector(0, List.of(protective, MbrEntry.EMPTY, MbrEntry.EMPTY, MbrEntry.EMPTY)).emit(sector, 0);
    disk.write(0, sector);
  }
}
