package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.block.wire.MalformedPartitionTableException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/** Random layouts round-trip through write and read; damaged tables fail only with the one exception. */
class PartitionTableProperties {

  @Property(tries = 300, seed = "4242")
  void mbr_randomLayoutsRoundTrip(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    Layouts.MbrLayout layout = Layouts.mbr(r, 12, 0, 5000);
    RamBlock disk = RamBlock.create(layout.diskSectors());
    layout.mbr().write(disk);
    Mbr back = Mbr.read(disk);
    Statistics.collect(layout.mbr().extended().isPresent() ? "extended with " + Math.min(layout.mbr().logical().size(), 3) + "+ logical" : "primary only");
    assertEquals(layout.mbr(), back, "seed " + seed);
    List<Partition> parts = Partitions.list(disk);
    assertEquals(layout.mbr().partitions(), parts, "seed " + seed);
    for (Partition p : parts) {
      Block view = Partitions.open(disk, p);
      assertEquals(p.sectorCount(), view.info().sectorCount());
      assertTrue(p.lastSector() < layout.diskSectors());
    }
  }

  @Property(tries = 200, seed = "4343")
  void gpt_randomLayoutsRoundTrip(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int sectorShift) throws Exception {
    Random r = new Random(seed);
    int sectorSize = 512 << sectorShift;
    Layouts.GptLayout layout = Layouts.gpt(r, sectorSize, 20, false);
    RamBlock disk = RamBlock.create(sectorSize, layout.diskSectors());
    layout.gpt().write(disk);
    Gpt.ReadResult back = Gpt.readDetailed(disk);
    assertTrue(back.primaryIntact() && back.backupIntact(), "seed " + seed);
    assertEquals(layout.gpt(), back.gpt(), "seed " + seed);
    assertEquals(layout.gpt().list(), Partitions.list(disk), "seed " + seed);
    // wipe the primary: the backup alone gives the same table
    disk.write(1, Unpooled.wrappedBuffer(new byte[sectorSize]));
    assertEquals(layout.gpt(), Gpt.read(disk), "backup, seed " + seed);
  }

  /** Flipping random bytes of a valid table never produces anything but a table inside the disk or the one exception. */
  @Property(tries = 400, seed = "4444")
  void damagedTables_failOnlyWithMalformedPartitionTable(@ForAll long seed, @ForAll boolean gpt,
      @ForAll @IntRange(min = 1, max = 20) int flips) throws Exception {
    Random r = new Random(seed);
    RamBlock disk;
    long[] tableSectors;
    if (gpt) {
      Layouts.GptLayout layout = Layouts.gpt(r, 512, 6, false);
      disk = RamBlock.create(layout.diskSectors());
      layout.gpt().write(disk);
      long n = layout.diskSectors();
      tableSectors = new long[] {0, 1, 2, 3, n - 1, n - 33, n - 32};
    } else {
      Layouts.MbrLayout layout = Layouts.mbr(r, 6, 0, 300);
      disk = RamBlock.create(layout.diskSectors());
      layout.mbr().write(disk);
      tableSectors = new long[1 + layout.mbr().logical().size()];
      for (int i = 0; i < layout.mbr().logical().size(); i++) {
        tableSectors[i + 1] = layout.mbr().logical().get(i).ebrSector();
      }
    }
    for (int i = 0; i < flips; i++) {
      long sector = tableSectors[r.nextInt(tableSectors.length)];
      ByteBuf s = Unpooled.buffer(512);
      disk.read(sector, s);
      // mostly hit the interesting bytes: partition entries, header fields
      int offset = r.nextBoolean() ? 440 + r.nextInt(72) : r.nextInt(512);
      s.setByte(offset, r.nextBoolean() ? r.nextInt(256) : s.getByte(offset) ^ (1 << r.nextInt(8)));
      disk.write(sector, s);
    }
    try {
      List<Partition> found = Partitions.list(disk);
      Statistics.collect(gpt ? "gpt" : "mbr", "accepted");
      for (Partition p : found) {
        assertTrue(p.firstSector() >= 1 && p.sectorCount() >= 1 && p.lastSector() < disk.info().sectorCount(),
            p + " (seed " + seed + ")");
        Partitions.open(disk, p);
      }
    } catch (MalformedPartitionTableException expected) {
      Statistics.collect(gpt ? "gpt" : "mbr", "refused");
      assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
    } catch (BlockException other) {
      throw new AssertionError("seed " + seed + ": a BlockException that is not a MalformedPartitionTableException", other);
    }
  }

  /** Random garbage in the first sectors of a disk. */
  @Property(tries = 300, seed = "4545")
  void randomBytes_failOnlyWithMalformedPartitionTable(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    RamBlock disk = RamBlock.create(64 + r.nextInt(4096));
    byte[] junk = new byte[512 * 40];
    r.nextBytes(junk);
    junk[510] = 0x55;
    junk[511] = (byte) 0xaa;
    for (int e = 0; e < 4; e++) {
      junk[446 + 16 * e] = (byte) (r.nextBoolean() ? 0 : 0x80);
    }
    if (r.nextBoolean()) {
      junk[446 + 4] = (byte) 0xee;
      System.arraycopy("EFI PART".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, junk, 512, 8);
    }
    disk.write(0, Unpooled.wrappedBuffer(junk));
    try {
      for (Partition p : Partitions.list(disk)) {
        assertTrue(p.lastSector() < disk.info().sectorCount(), p + " (seed " + seed + ")");
      }
    } catch (MalformedPartitionTableException expected) {
      // the one exception
    }
  }
}
