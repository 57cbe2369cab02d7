package io.morgana.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SimDiskTest {

  static SimDisk disk(DiskFaults faults, long seed) {
    return new SimDisk("d", 512, 16, faults, new SplittableRandom(seed));
  }

  static ByteBuf sectors(int count, int fill) {
    byte[] b = new byte[count * 512];
    Arrays.fill(b, (byte) fill);
    return Unpooled.wrappedBuffer(b);
  }

  static byte[] read(Block b, long sector, int count) throws IOException {
    ByteBuf into = Unpooled.buffer(count * 512);
    b.read(sector, into);
    byte[] out = new byte[count * 512];
    into.readBytes(out);
    return out;
  }

  @Test
  void readsSeeWritesBeforeTheyAreFlushed() throws IOException {
    SimDisk d = disk(DiskFaults.NONE, 1);
    Block b = d.attach();
    b.write(3, sectors(2, 7));
    assertArrayEquals(sectors(2, 7).array(), read(b, 3, 2));
    assertEquals(1, d.unsyncedWrites());
  }

  @Test
  void aCrashKeepsExactlyWhatWasFlushed() throws IOException {
    SimDisk d = disk(DiskFaults.NONE, 1);
    Block b = d.attach();
    b.write(0, sectors(1, 1));
    b.flush();
    byte[] flushed = d.durableImage();
    b.write(0, sectors(1, 2));
    b.write(5, sectors(3, 3));
    SimDisk.CrashReport r = d.crash();
    assertEquals(2, r.unsyncedWrites());
    assertEquals(2, r.lost());
    assertArrayEquals(flushed, d.currentImage());
    Block after = d.attach();
    assertArrayEquals(sectors(1, 1).array(), read(after, 0, 1));
  }

  @Test
  void theCrashedIncarnationsHandleIsDead() throws IOException {
    SimDisk d = disk(DiskFaults.NONE, 1);
    Block b = d.attach();
    d.crash();
    BlockException e = assertThrows(BlockException.class, () -> b.write(0, sectors(1, 9)));
    assertEquals("d: power cut", e.getMessage());
    assertThrows(BlockException.class, b::flush);
  }

  @Test
  void injectedWriteErrorsLandNothing() throws IOException {
    SimDisk d = disk(new DiskFaults(1, 0, 0), 1);
    Block b = d.attach();
    assertThrows(BlockException.class, () -> b.write(0, sectors(1, 5)));
    assertArrayEquals(new byte[512], read(b, 0, 1));
    assertEquals(0, d.unsyncedWrites());
  }

  @Test
  void unalignedRequestsAreRefused() {
    Block b = disk(DiskFaults.NONE, 1).attach();
    assertThrows(BlockException.class, () -> b.write(0, Unpooled.buffer(100).writeZero(100)));
    assertThrows(BlockException.class, () -> b.write(15, sectors(2, 0)));
  }

  /**
   * Whatever the writes, flushes and faults, the image after a crash is the durable image before
   * it with each unflushed write applied, in order, as far as the crash report says it landed.
   */
  @Property(tries = 200)
  void aCrashKeepsTheFlushedImagePlusWhatTheReportSaysLanded(
      @ForAll @Size(max = 12) java.util.List<@IntRange(min = 0, max = 15) Integer> sectorsWritten,
      @ForAll @IntRange(min = 0, max = 12) int flushAfter, @ForAll long seed) throws IOException {
    SimDisk d = disk(new DiskFaults(0, 0.5, 0.5), seed);
    Block b = d.attach();
    byte[] model = new byte[16 * 512];
    java.util.List<int[]> unflushed = new java.util.ArrayList<>();
    int i = 0;
    for (int s : sectorsWritten) {
      int n = Math.min(2, 16 - s);
      b.write(s, sectors(n, i + 1));
      unflushed.add(new int[] {s, n, i + 1});
      if (++i == flushAfter) {
        b.flush();
        for (int[] w : unflushed) {
          Arrays.fill(model, w[0] * 512, (w[0] + w[1]) * 512, (byte) w[2]);
        }
        unflushed.clear();
      }
    }
    SimDisk.CrashReport r = d.crash();
    assertEquals(unflushed.size(), r.unsyncedWrites());
    for (int k = 0; k < unflushed.size(); k++) {
      int[] w = unflushed.get(k);
      String detail = r.details().get(k);
      int landed = detail.endsWith("lost") ? 0 : Integer.parseInt(detail.replaceAll(".*: (\\d+) sector.*", "$1"));
      Arrays.fill(model, w[0] * 512, (w[0] + landed) * 512, (byte) w[2]);
    }
    assertArrayEquals(model, d.currentImage());
  }
}
