package io.morgana.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FaultInjectingBlockTest {

  private static final int SECTOR = 512;

  /** A minimal in-memory disk (testkit cannot depend on the block module). */
  static final class ArrayDisk implements Block {
    final byte[] bytes;
    int flushes;
    int discards;

    ArrayDisk(int sectors) {
      bytes = new byte[sectors * SECTOR];
    }

    @Override
    public BlockInfo info() {
      return new BlockInfo(SECTOR, bytes.length / SECTOR, true, true);
    }

    @Override
    public void read(long sector, ByteBuf into) throws BlockException {
      int n = into.writableBytes();
      if (sector < 0 || sector * SECTOR + n > bytes.length) {
        throw new BlockException("out of range");
      }
      into.writeBytes(bytes, (int) sector * SECTOR, n);
    }

    @Override
    public void write(long sector, ByteBuf from) throws BlockException {
      int n = from.readableBytes();
      if (sector < 0 || sector * SECTOR + n > bytes.length) {
        throw new BlockException("out of range");
      }
      from.readBytes(bytes, (int) sector * SECTOR, n);
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void discard(long sector, long count) {
      discards++;
      Arrays.fill(bytes, (int) sector * SECTOR, (int) (sector + count) * SECTOR, (byte) 0);
    }

    @Override
    public void close() {}

    byte sectorByte(int sector) {
      return bytes[sector * SECTOR];
    }
  }

  private static ByteBuf sectors(int count, int fill) {
    byte[] b = new byte[count * SECTOR];
    Arrays.fill(b, (byte) fill);
    return Unpooled.wrappedBuffer(b);
  }

  @Test
  void withoutFaults_passesEverythingThroughAndCounts() throws Exception {
    ArrayDisk disk = new ArrayDisk(8);
    FaultInjectingBlock f = new FaultInjectingBlock(disk);
    f.write(1, sectors(2, 7));
    f.write(5, sectors(1, 9));
    f.flush();
    assertEquals(2, f.writes());
    assertEquals(1, f.flushes());
    assertEquals(1, disk.flushes);
    assertEquals(7, disk.sectorByte(1));
    assertEquals(7, disk.sectorByte(2));
    assertEquals(9, disk.sectorByte(5));
    ByteBuf back = Unpooled.buffer(SECTOR);
    f.read(5, back);
    assertEquals(9, back.getByte(0));
    assertFalse(f.isPowerCut());
  }

  @Test
  void failWrite_nthWriteThrowsAndLeavesNothing_laterWritesLand() throws Exception {
    ArrayDisk disk = new ArrayDisk(8);
    FaultInjectingBlock f = new FaultInjectingBlock(disk).failWrite(2);
    f.write(0, sectors(1, 1));
    BlockException e = assertThrows(BlockException.class, () -> f.write(1, sectors(3, 2)));
    assertTrue(e.getMessage().contains("write 2"), e.getMessage());
    f.write(4, sectors(1, 3));
    assertEquals(3, f.writes());
    assertEquals(1, disk.sectorByte(0));
    assertEquals(0, disk.sectorByte(1));
    assertEquals(0, disk.sectorByte(3));
    assertEquals(3, disk.sectorByte(4));
  }

  @Test
  void tearWrite_firstKSectorsLandThenFailure() throws Exception {
    ArrayDisk disk = new ArrayDisk(8);
    FaultInjectingBlock f = new FaultInjectingBlock(disk).tearWrite(1, 2);
    ByteBuf data = sectors(4, 5);
    BlockException e = assertThrows(BlockException.class, () -> f.write(2, data));
    assertTrue(e.getMessage().contains("first 2"), e.getMessage());
    assertEquals(0, disk.sectorByte(1));
    assertEquals(5, disk.sectorByte(2));
    assertEquals(5, disk.sectorByte(3));
    assertEquals(0, disk.sectorByte(4));
    assertEquals(0, disk.sectorByte(5));
    f.write(4, sectors(1, 6)); // later writes go through
    assertEquals(6, disk.sectorByte(4));
  }

  @Test
  void tearWrite_zeroSectorsLandsNothing() throws Exception {
    ArrayDisk disk = new ArrayDisk(4);
    FaultInjectingBlock f = new FaultInjectingBlock(disk).tearWrite(1, 0);
    assertThrows(BlockException.class, () -> f.write(0, sectors(2, 5)));
    assertEquals(0, disk.sectorByte(0));
  }

  @Test
  void powerCut_nothingAfterTheNthWriteReachesTheDisk() throws Exception {
    ArrayDisk disk = new ArrayDisk(8);
    FaultInjectingBlock f = new FaultInjectingBlock(disk).powerCutAfterWrite(2);
    f.write(0, sectors(1, 1));
    f.write(1, sectors(1, 2));
    assertTrue(f.isPowerCut());
    BlockException e = assertThrows(BlockException.class, () -> f.write(2, sectors(1, 3)));
    assertTrue(e.getMessage().contains("power cut"), e.getMessage());
    assertThrows(BlockException.class, f::flush);
    assertThrows(BlockException.class, () -> f.discard(0, 1));
    assertEquals(0, disk.flushes);
    assertEquals(0, disk.discards);
    assertEquals(3, f.writes());
    assertEquals(3, f.lostRequests());
    byte[] expected = new byte[8 * SECTOR];
    Arrays.fill(expected, 0, SECTOR, (byte) 1);
    Arrays.fill(expected, SECTOR, 2 * SECTOR, (byte) 2);
    assertArrayEquals(expected, disk.bytes);
    // reads still show the surviving image
    ByteBuf back = Unpooled.buffer(SECTOR);
    f.read(1, back);
    assertEquals(2, back.getByte(0));
  }

  @Test
  void powerCutSilently_laterWritesReturnButAreLost() throws Exception {
    ArrayDisk disk = new ArrayDisk(4);
    FaultInjectingBlock f = new FaultInjectingBlock(disk).powerCutAfterWrite(1, FaultInjectingBlock.AfterCut.SILENTLY_LOST);
    f.write(0, sectors(1, 1));
    ByteBuf lost = sectors(1, 2);
    f.write(1, lost);
    f.flush();
    assertEquals(0, lost.readableBytes(), "a silently lost write still consumes its buffer");
    assertEquals(1, disk.sectorByte(0));
    assertEquals(0, disk.sectorByte(1));
    assertEquals(0, disk.flushes);
    assertEquals(2, f.lostRequests());
  }

  @Test
  void powerCutAfterZero_cutsBeforeTheFirstWrite() throws Exception {
    ArrayDisk disk = new ArrayDisk(4);
    FaultInjectingBlock f = new FaultInjectingBlock(disk).powerCutAfterWrite(0);
    assertTrue(f.isPowerCut());
    assertThrows(BlockException.class, () -> f.write(0, sectors(1, 1)));
    assertEquals(0, disk.sectorByte(0));
  }

  @Test
  void tornWriteThenPowerCut_leavesOnlyTheTornPrefix() throws Exception {
    ArrayDisk disk = new ArrayDisk(8);
    FaultInjectingBlock f = new FaultInjectingBlock(disk).tearWrite(2, 1).powerCutAfterWrite(2);
    f.write(0, sectors(1, 1));
    assertThrows(BlockException.class, () -> f.write(1, sectors(3, 2)));
    assertThrows(BlockException.class, () -> f.write(6, sectors(1, 3)));
    assertEquals(1, disk.sectorByte(0));
    assertEquals(2, disk.sectorByte(1));
    assertEquals(0, disk.sectorByte(2));
    assertEquals(0, disk.sectorByte(6));
  }

  @Test
  void badRequests_areRefusedLikeTheDiskWouldAndNeverTorn() {
    ArrayDisk disk = new ArrayDisk(4);
    FaultInjectingBlock f = new FaultInjectingBlock(disk).tearWrite(1, 1);
    BlockException range = assertThrows(BlockException.class, () -> f.write(3, sectors(2, 1)));
    assertTrue(range.getMessage().contains("out of range"), range.getMessage());
    assertThrows(BlockException.class, () -> f.write(0, Unpooled.wrappedBuffer(new byte[100])));
    assertEquals(0, f.writes());
    assertEquals(0, disk.sectorByte(3));
  }

  /** For any workload and cut point n: the disk holds exactly the first n writes, whatever came after. */
  @Property(tries = 200, seed = "31337")
  void powerCut_diskHoldsExactlyTheFirstNWrites(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int cut,
      @ForAll boolean silently) throws Exception {
    Random r = new Random(seed);
    ArrayDisk disk = new ArrayDisk(32);
    byte[] model = new byte[32 * SECTOR];
    FaultInjectingBlock f = new FaultInjectingBlock(disk)
        .powerCutAfterWrite(cut, silently ? FaultInjectingBlock.AfterCut.SILENTLY_LOST : FaultInjectingBlock.AfterCut.REFUSED);
    int writes = 30;
    for (int i = 1; i <= writes; i++) {
      int sector = r.nextInt(32);
      int count = 1 + r.nextInt(32 - sector);
      byte[] data = new byte[count * SECTOR];
      r.nextBytes(data);
      try {
        f.write(sector, Unpooled.wrappedBuffer(data));
      } catch (BlockException e) {
        assertTrue(!silently && i > cut, "only writes after the cut are refused: write " + i + " (seed " + seed + ")");
      }
      if (r.nextInt(4) == 0) {
        try {
          f.flush();
        } catch (BlockException e) {
          assertTrue(!silently && i >= cut, "only flushes after the cut are refused: after write " + i + " (seed " + seed + ")");
        }
      }
      if (i <= cut) {
        System.arraycopy(data, 0, model, sector * SECTOR, data.length);
      }
    }
    assertArrayEquals(model, disk.bytes, "seed " + seed + ", cut after " + cut);
    assertEquals(writes, f.writes());
    assertEquals(cut <= writes, f.isPowerCut(), "the power goes once write " + cut + " has happened");
  }
}
