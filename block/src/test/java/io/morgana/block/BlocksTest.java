package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlocksTest {

  @TempDir Path dir;

  /** A disk with random data in every third 8-sector run (so zero runs cross copy chunks). */
  private static RamBlock sparseRandom(int sectors, long seed) throws Exception {
    RamBlock disk = RamBlock.create(sectors);
    Random r = new Random(seed);
    for (int s = 0; s < sectors; s += 24) {
      byte[] run = new byte[Math.min(8, sectors - s) * 512];
      r.nextBytes(run);
      disk.write(s, Unpooled.wrappedBuffer(run));
    }
    return disk;
  }

  @Test
  void slice_readsAndWritesInsideItsWindowOnly() throws Exception {
    RamBlock disk = RamBlock.create(100);
    Block view = Blocks.slice(disk, 10, 20);
    assertEquals(20, view.info().sectorCount());
    byte[] data = new byte[512];
    Arrays.fill(data, (byte) 3);
    view.write(19, Unpooled.wrappedBuffer(data));
    assertEquals(3, disk.toByteArray()[29 * 512]);
    BlockException e = assertThrows(BlockException.class, () -> view.read(19, Unpooled.buffer(1024)));
    assertTrue(e.getMessage().contains("2 sectors at sector 19") && e.getMessage().contains("20 sectors"), e.getMessage());
    assertThrows(BlockException.class, () -> Blocks.slice(disk, 90, 11));
    assertThrows(BlockException.class, () -> Blocks.slice(disk, -1, 1));
    view.close();
    assertThrows(BlockException.class, () -> view.read(0, Unpooled.buffer(512)));
    disk.read(0, Unpooled.buffer(512)); // closing a view leaves the disk open
  }

  @Test
  void readOnly_refusesWritesAndDiscardsButReads() throws Exception {
    RamBlock disk = RamBlock.create(8);
    byte[] nine = new byte[512];
    nine[0] = 9;
    disk.write(1, Unpooled.wrappedBuffer(nine));
    Block ro = Blocks.readOnly(disk);
    assertFalse(ro.info().readWrite());
    assertFalse(ro.info().discardSupported());
    ByteBuf back = Unpooled.buffer(512);
    ro.read(1, back);
    assertEquals(9, back.getByte(0));
    BlockException e = assertThrows(BlockException.class, () -> ro.write(0, Unpooled.wrappedBuffer(new byte[512])));
    assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    assertThrows(BlockException.class, () -> ro.discard(0, 1));
    ro.flush();
    assertThrows(BlockException.class, () -> Blocks.readOnly(ro).write(0, Unpooled.wrappedBuffer(new byte[512])));
  }

  @Test
  void copy_thenCompare_findsNoDifference_thenTheFirstDifferingSector() throws Exception {
    RamBlock src = sparseRandom(5000, 1); // > 2 copy chunks
    RamBlock dst = RamBlock.create(6000);
    Blocks.copy(src, dst);
    assertArrayEquals(src.toByteArray(), Arrays.copyOf(dst.toByteArray(), 5000 * 512));
    Block dstHead = Blocks.slice(dst, 0, 5000);
    assertEquals(OptionalLong.empty(), Blocks.compare(src, dstHead));
    assertEquals(OptionalLong.of(5000), Blocks.compare(src, dst), "a longer device differs at the shorter's end");
    byte[] one = new byte[512];
    one[511] = 1;
    dst.write(4321, Unpooled.wrappedBuffer(one));
    assertEquals(OptionalLong.of(4321), Blocks.compare(src, dstHead));
    assertEquals(OptionalLong.of(4321), Blocks.compare(dstHead, src));
  }

  @Test
  void copy_refusesASmallerOrReadOnlyDestinationBeforeWritingAnything() throws Exception {
    RamBlock src = sparseRandom(100, 2);
    RamBlock small = RamBlock.create(99);
    BlockException e = assertThrows(BlockException.class, () -> Blocks.copy(src, small));
    assertTrue(e.getMessage().contains("100 sectors at sector 0") && e.getMessage().contains("99 sectors"), e.getMessage());
    assertEquals(0, small.allocatedBytes());
    assertThrows(BlockException.class, () -> Blocks.copy(src, Blocks.readOnly(RamBlock.create(200))));
    assertThrows(BlockException.class, () -> Blocks.compare(src, RamBlock.create(4096, 100)));
  }

  @Test
  void copy_betweenSectorSizes() throws Exception {
    RamBlock src = sparseRandom(80, 3); // 40 KiB
    RamBlock dst = RamBlock.create(4096, 10);
    Blocks.copy(src, dst);
    assertArrayEquals(src.toByteArray(), dst.toByteArray());
    assertThrows(BlockException.class, () -> Blocks.copy(RamBlock.create(9), RamBlock.create(4096, 10)),
        "4.5 KiB is not a whole number of 4 KiB sectors");
  }

  @Test
  void sparseCopy_assumedZero_skipsZeroSectorsAndKeepsAFileSparse() throws Exception {
    RamBlock src = sparseRandom(5000, 4);
    Path img = dir.resolve("sparse.img");
    try (FileBlock dst = FileBlock.create(img, 5000 * 512)) {
      Blocks.SparseCopyResult r = Blocks.sparseCopy(src, dst, Blocks.SkippedSectors.ASSUMED_ZERO);
      assertEquals(5000, r.sectorsWritten() + r.sectorsSkipped());
      assertEquals(209 * 8 - 8 + 8, r.sectorsWritten()); // 209 runs of 8 sectors (the last one complete)
      assertEquals(OptionalLong.empty(), Blocks.compare(src, dst));
    }
    assertArrayEquals(src.toByteArray(), Files.readAllBytes(img));
  }

  @Test
  void sparseCopy_checked_zeroesOnlyWhatIsNotZeroAlready() throws Exception {
    RamBlock src = sparseRandom(3000, 5);
    RamBlock dst = RamBlock.create(3000);
    byte[] junk = new byte[512 * 40];
    Arrays.fill(junk, (byte) 0x5a);
    dst.write(10, Unpooled.wrappedBuffer(junk)); // junk where the source is zero (sectors 8..23)
    Blocks.SparseCopyResult r = Blocks.sparseCopy(src, dst, Blocks.SkippedSectors.CHECKED);
    assertEquals(OptionalLong.empty(), Blocks.compare(src, dst));
    assertTrue(r.sectorsSkipped() > 0);
    RamBlock assumed = RamBlock.create(3000);
    assumed.write(10, Unpooled.wrappedBuffer(junk));
    Blocks.sparseCopy(src, assumed, Blocks.SkippedSectors.ASSUMED_ZERO);
    assertEquals(OptionalLong.of(10), Blocks.compare(src, assumed), "ASSUMED_ZERO trusts the caller, as documented");
  }

  @Test
  void sparseCopy_discarded_onRamBlockLeavesZeros() throws Exception {
    RamBlock src = sparseRandom(3000, 6);
    RamBlock dst = RamBlock.create(3000);
    byte[] junk = new byte[512 * 3000];
    Arrays.fill(junk, (byte) 1);
    dst.write(0, Unpooled.wrappedBuffer(junk));
    Blocks.sparseCopy(src, dst, Blocks.SkippedSectors.DISCARDED);
    assertEquals(OptionalLong.empty(), Blocks.compare(src, dst));
  }

  @Test
  void sparseCopy_discarded_ontoAnOldFileLeavesZerosThere() throws Exception {
    RamBlock src = sparseRandom(3000, 7);
    Path img = dir.resolve("old.img");
    byte[] junk = new byte[512 * 3000];
    Arrays.fill(junk, (byte) 1);
    Files.write(img, junk);
    try (FileBlock dst = FileBlock.open(img)) {
      Blocks.sparseCopy(src, dst, Blocks.SkippedSectors.DISCARDED);
      assertEquals(OptionalLong.empty(), Blocks.compare(src, dst));
    }
  }
}
