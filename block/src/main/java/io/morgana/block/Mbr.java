package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.block.wire.MalformedPartitionTableException;
import io.morgana.block.wire.MbrEntry;
import io.morgana.block.wire.MbrSector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An MS-DOS partition table: the MBR's four primary slots and, when one slot is an extended
 * partition, the logical partitions of its EBR chain (UEFI 2.10 section 5.2.1; the chain as Linux
 * reads it in {@code block/partitions/msdos.c}).
 *
 * <p>Reading checks every entry against the disk and the extended partition, refuses overlapping
 * partitions, more than one extended partition, and an EBR chain that loops or leaves the
 * extended partition, with a {@link MalformedPartitionTableException} that names the sector.
 * LBAs here are absolute; the EBR encoding (logical relative to its EBR, link relative to the
 * extended partition) is handled inside.
 *
 * @param diskSignature the 32-bit disk identifier at byte 440
 * @param primary the four slots, {@link MbrEntry#EMPTY} where unused
 * @param logical the logical partitions in chain order; empty unless a slot is extended
 */
public record Mbr(int diskSignature, List<MbrEntry> primary, List<Logical> logical) {

  /**
   * A logical partition and the EBR that describes it.
   *
   * @param ebrSector where its EBR lies; the first must be the extended partition's first sector
   * @param partition the entry with an absolute first LBA, after the EBR, inside the extended partition
   */
  public record Logical(long ebrSector, MbrEntry partition) {}

  /** Longest EBR chain followed; Linux stops at a few hundred, we allow more but not forever. */
  public static final int MAX_LOGICAL = 4096;

  public Mbr {
    primary = List.copyOf(primary);
    logical = List.copyOf(logical);
    if (primary.size() != 4) {
      throw new IllegalArgumentException("an MBR has 4 primary slots, got " + primary.size());
    }
  }

  /** A table of up to four primary partitions, no logical ones. */
  public static Mbr of(int diskSignature, MbrEntry... primary) {
    List<MbrEntry> slots = new ArrayList<>(List.of(primary));
    while (slots.size() < 4) {
      slots.add(MbrEntry.EMPTY);
    }
    return new Mbr(diskSignature, slots, List.of());
  }

  /** The extended slot's entry, if any. */
  public java.util.Optional<MbrEntry> extended() {
    return primary.stream().filter(MbrEntry::isExtended).findFirst();
  }

  /** The partitions, primary then logical (numbered 5 up), without the extended container. */
  public List<Partition> partitions() {
    List<Partition> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      MbrEntry e = primary.get(i);
      if (!e.isEmpty() && !e.isExtended()) {
        out.add(new Partition(i + 1, e.firstLba(), e.sectorCount(), typeName(e.type()), ""));
      }
    }
    for (int i = 0; i < logical.size(); i++) {
      MbrEntry e = logical.get(i).partition();
      out.add(new Partition(5 + i, e.firstLba(), e.sectorCount(), typeName(e.type()), ""));
    }
    return out;
  }

  static String typeName(int type) {
    return String.format("0x%02x", type);
  }

  /**
   * Reads and checks the table of {@code disk}.
   *
   * @throws MalformedPartitionTableException when sector 0 holds no valid MBR or the table is
   *     inconsistent (see the class comment)
   */
  public static Mbr read(Block disk) throws IOException {
    int sectorSize = disk.info().sectorSize();
    long diskSectors = disk.info().sectorCount();
    if (diskSectors < 1) {
      throw new MalformedPartitionTableException(disk + " is empty: no MBR");
    }
    ByteBuf buf = Unpooled.buffer(sectorSize, sectorSize);
    disk.read(0, buf);
    MbrSector mbr = MbrSector.parse(buf, 0, "MBR of " + disk);
    List<long[]> used = new ArrayList<>();
    MbrEntry extended = null;
    for (int i = 0; i < 4; i++) {
      MbrEntry e = mbr.entries().get(i);
      if (e.isEmpty()) {
        continue;
      }
      String what = "MBR of " + disk + ", partition " + (i + 1);
      if (e.type() == MbrEntry.TYPE_GPT_PROTECTIVE) {
        // A GPT disk's protective entry; Gpt reads the rest. Its size may be 0xFFFFFFFF or stale
        // after the image was resized, so it is not held to the disk's size.
        continue;
      }
      checkExtent(what, e.firstLba(), e.sectorCount(), 1, diskSectors, disk);
      checkOverlap(what, e.firstLba(), e.sectorCount(), used);
      if (e.isExtended()) {
        if (extended != null) {
          throw new MalformedPartitionTableException(what + ": a second extended partition (only one is allowed)");
        }
        extended = e;
      }
    }
    List<Logical> logical = new ArrayList<>();
    if (extended != null) {
      readChain(disk, extended, buf, logical);
    }
    // Unused slots (type 0) come back as EMPTY whatever junk their other fields hold.
    List<MbrEntry> slots = mbr.entries().stream().map(e -> e.isEmpty() ? MbrEntry.EMPTY : e).toList();
    return new Mbr(mbr.diskSignature(), slots, logical);
  }

  private static void readChain(Block disk, MbrEntry extended, ByteBuf buf, List<Logical> out)
      throws IOException {
    long extStart = extended.firstLba();
    long extEnd = extStart + extended.sectorCount(); // exclusive
    Set<Long> seen = new HashSet<>();
    List<long[]> usedInside = new ArrayList<>();
    long ebr = extStart;
    while (true) {
      String what = "EBR at sector " + ebr + " of " + disk;
      if (!seen.add(ebr)) {
        throw new MalformedPartitionTableException(what + ": the EBR chain loops back to a sector it already visited");
      }
      if (out.size() >= MAX_LOGICAL) {
        throw new MalformedPartitionTableException(what + ": more than " + MAX_LOGICAL + " logical partitions");
      }
      buf.clear();
      disk.read(ebr, buf);
      MbrSector s = MbrSector.parse(buf, 0, what);
      MbrEntry data = s.entries().get(0);
      MbrEntry link = s.entries().get(1);
      for (int i = 2; i < 4; i++) {
        if (!s.entries().get(i).isEmpty()) {
          throw new MalformedPartitionTableException(what + ": entry " + (i + 1) + " is used (an EBR uses only entries 1 and 2)");
        }
      }
      if (data.isExtended()) {
        throw new MalformedPartitionTableException(what + ": entry 1 is an extended partition");
      }
      if (data.isEmpty()) {
        checkOverlap(what, ebr, 1, usedInside);
      } else {
        if (data.firstLba() == 0) {
          throw new MalformedPartitionTableException(what + ": the logical partition starts on the EBR itself");
        }
        long first = ebr + data.firstLba();
        checkExtent(what + ", logical partition", first, data.sectorCount(), extStart, extEnd, disk);
        // The EBR and its partition together: no other EBR or logical partition may overlap them.
        checkOverlap(what + ", logical partition", ebr, first + data.sectorCount() - ebr, usedInside);
        out.add(new Logical(ebr, new MbrEntry(data.bootable(), data.type(), first, data.sectorCount())));
      }
      if (link.isEmpty()) {
        return;
      }
      if (!link.isExtended()) {
        throw new MalformedPartitionTableException(
            what + ": entry 2 has type " + typeName(link.type()) + ", expected a link (0x05, 0x0f or 0x85) or nothing");
      }
      long next = extStart + link.firstLba();
      if (next < extStart || next >= extEnd) {
        throw new MalformedPartitionTableException(
            what + ": the next EBR (sector " + next + ") is outside the extended partition, sectors " + extStart + ".." + (extEnd - 1));
      }
      ebr = next;
    }
  }

  private static void checkExtent(String what, long first, long count, long min, long endExclusive, Block disk)
      throws MalformedPartitionTableException {
    if (count == 0) {
      throw new MalformedPartitionTableException(what + ": has no sectors");
    }
    if (first < min || first + count > endExclusive) {
      throw new MalformedPartitionTableException(
          what + ": sectors " + first + ".." + (first + count - 1) + " are outside " + min + ".." + (endExclusive - 1)
              + " (" + disk + " has " + disk.info().sectorCount() + " sectors)");
    }
  }

  private static void checkOverlap(String what, long first, long count, List<long[]> used) throws MalformedPartitionTableException {
    long end = first + count;
    for (long[] r : used) {
      if (first < r[1] && r[0] < end) {
        throw new MalformedPartitionTableException(
            what + ": sectors " + first + ".." + (end - 1) + " overlap another partition's " + r[0] + ".." + (r[1] - 1));
      }
    }
    used.add(new long[] {first, end});
  }

  /**
   * Writes this table to {@code disk}: sector 0 and, for logical partitions, one EBR each.
   * Checks the table first the way {@link #read} would (so what is written reads back equal) and
   * writes nothing if it is inconsistent. The boot code area is written as zeros.
   *
   * @throws MalformedPartitionTableException when the table is inconsistent
   */
  public void write(Block disk) throws IOException {
    validate(disk);
    int sectorSize = disk.info().sectorSize();
    ByteBuf buf = Unpooled.buffer(sectorSize, sectorSize);
    MbrEntry ext = extended().orElse(null);
    for (int i = 0; i < logical.size(); i++) {
      Logical l = logical.get(i);
      MbrEntry p = l.partition();
      MbrEntry data = new MbrEntry(p.bootable(), p.type(), p.firstLba() - l.ebrSector(), p.sectorCount());
      MbrEntry link = MbrEntry.EMPTY;
      if (i + 1 < logical.size()) {
        Logical n = logical.get(i + 1);
        long nextEnd = n.partition().firstLba() + n.partition().sectorCount();
        link = new MbrEntry(false, MbrEntry.TYPE_EXTENDED_CHS, n.ebrSector() - ext.firstLba(), nextEnd - n.ebrSector());
      }
      MbrSector ebr = new MbrSector(0, List.of(data, link, MbrEntry.EMPTY, MbrEntry.EMPTY));
      buf.clear().writeZero(sectorSize);
      ebr.emit(buf, 0, l.ebrSector(), ext.firstLba());
      disk.write(l.ebrSector(), buf);
    }
    if (ext != null && logical.isEmpty()) {
      // An empty extended partition: its first sector is an EBR with nothing in it.
      buf.clear().writeZero(sectorSize);
      new MbrSector(0, List.of(MbrEntry.EMPTY, MbrEntry.EMPTY, MbrEntry.EMPTY, MbrEntry.EMPTY)).emit(buf, 0);
      disk.write(ext.firstLba(), buf);
    }
    buf.clear().writeZero(sectorSize);
    new MbrSector(diskSignature, primary).emit(buf, 0);
    disk.write(0, buf);
  }

  private void validate(Block disk) throws MalformedPartitionTableException {
    long diskSectors = disk.info().sectorCount();
    List<long[]> used = new ArrayList<>();
    int extendedCount = 0;
    for (int i = 0; i < 4; i++) {
      MbrEntry e = primary.get(i);
      if (e.isEmpty()) {
        if (!e.equals(MbrEntry.EMPTY)) {
          throw new MalformedPartitionTableException("partition " + (i + 1) + ": an empty slot must be MbrEntry.EMPTY");
        }
        continue;
      }
      String what = "partition " + (i + 1);
      checkExtent(what, e.firstLba(), e.sectorCount(), 1, diskSectors, disk);
      if (e.type() != MbrEntry.TYPE_GPT_PROTECTIVE) {
        checkOverlap(what, e.firstLba(), e.sectorCount(), used);
      }
      if (e.isExtended()) {
        extendedCount++;
      }
    }
    if (extendedCount > 1) {
      throw new MalformedPartitionTableException("more than one extended partition");
    }
    if (!logical.isEmpty() && extendedCount == 0) {
      throw new MalformedPartitionTableException("logical partitions need an extended partition in a primary slot");
    }
    if (logical.isEmpty()) {
      return;
    }
    MbrEntry ext = extended().orElseThrow();
    long extStart = ext.firstLba();
    long extEnd = extStart + ext.sectorCount();
    if (logical.get(0).ebrSector() != extStart) {
      throw new MalformedPartitionTableException(
          "the first EBR must be the extended partition's first sector " + extStart + ", got " + logical.get(0).ebrSector());
    }
    List<long[]> inside = new ArrayList<>();
    for (int i = 0; i < logical.size(); i++) {
      Logical l = logical.get(i);
      MbrEntry p = l.partition();
      String what = "logical partition " + (5 + i);
      if (p.isEmpty() || p.isExtended()) {
        throw new MalformedPartitionTableException(what + ": type " + typeName(p.type()) + " cannot be a logical partition");
      }
      if (l.ebrSector() < extStart || l.ebrSector() >= extEnd) {
        throw new MalformedPartitionTableException(what + ": its EBR at sector " + l.ebrSector() + " is outside the extended partition");
      }
      if (p.firstLba() <= l.ebrSector()) {
        throw new MalformedPartitionTableException(what + ": it must start after its EBR at sector " + l.ebrSector());
      }
      checkExtent(what, p.firstLba(), p.sectorCount(), extStart, extEnd, disk);
      // The EBR and the partition together: nothing else may sit in between or overlap.
      checkOverlap(what, l.ebrSector(), p.firstLba() + p.sectorCount() - l.ebrSector(), inside);
    }
  }
}
