package io.morgana.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Block} must do, as inherited tests. Subclass it and implement {@link
 * #open(long)}; override {@link #openReadOnly(long)} if the implementation has a read-only mode.
 *
 * <p>Checked: {@link Block#info()} describes the device asked for; what was written at random
 * offsets and lengths is read back (against a model, seeded, the seed in every message); requests
 * past the end, at negative sectors or of a length that is not a whole number of sectors throw
 * {@link BlockException} before any byte moves (the device and the buffer's indices unchanged);
 * zero-length reads, writes and discards at any sector from 0 to the sector count do nothing;
 * buffers stay with the caller (reference count unchanged, reader/writer index advanced by exactly
 * the length); flush keeps data; discard leaves the sectors outside its range unchanged and checks
 * its range; a read-only device refuses writes; concurrent requests from several threads on
 * distinct sectors do not disturb each other; close is idempotent and later requests fail with an
 * {@link IOException}.
 */
public abstract class BlockContract {

  /** Sectors of the devices the tests open. */
  protected static final long SECTORS = 256;

  /** A fresh writable device of exactly {@code sectors} sectors. */
  protected abstract Block open(long sectors) throws IOException;

  /**
   * A read-only device of {@code sectors} sectors (any content), or {@code null} when the
   * implementation has no read-only mode (the read-only test is then skipped).
   */
  protected Block openReadOnly(long sectors) throws IOException {
    return null;
  }

  /** Whether a fresh device reads as zeros (a RAM disk or a new sparse file do). */
  protected boolean freshDeviceReadsZero() {
    return true;
  }

  /** Seed of the random workload; printed in failure messages. */
  protected long seed() {
    return 0xb10c_c0de_5eedL;
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  public void infoDescribesTheDeviceAskedFor() throws IOException {
    try (Block b = open(SECTORS)) {
      BlockInfo info = b.info();
      assertEquals(SECTORS, info.sectorCount(), "sector count");
      assertTrue(info.sectorSize() >= 512 && Integer.bitCount(info.sectorSize()) == 1, "sector size " + info.sectorSize());
      assertTrue(info.readWrite(), "open() gives a writable device");
      assertEquals(SECTORS * info.sectorSize(), info.sizeBytes());
    }
  }

  @Test
  public void freshDeviceReadsZeros() throws IOException {
    Assumptions.assumeTrue(freshDeviceReadsZero(), "this implementation does not promise zeroed devices");
    try (Block b = open(SECTORS)) {
      byte[] all = readAll(b);
      assertArrayEquals(new byte[all.length], all);
    }
  }

  @Test
  public void readsBackWhatWasWrittenAtRandomOffsets() throws IOException {
    long seed = seed();
    SplittableRandom random = new SplittableRandom(seed);
    try (Block b = open(SECTORS)) {
      int ss = b.info().sectorSize();
      byte[] model = readAll(b);
      for (int op = 0; op < 300; op++) {
        long sector = random.nextLong(SECTORS);
        int count = 1 + random.nextInt((int) Math.min(16, SECTORS - sector));
        int len = count * ss;
        String what = "op " + op + " at sector " + sector + " x" + count + " (seed " + seed + ")";
        int lead = random.nextInt(3) * 7; // bytes before the data in the buffer
        boolean direct = random.nextBoolean();
        if (random.nextInt(3) > 0) {
          byte[] data = new byte[len];
          random.nextBytes(data);
          ByteBuf from = buffer(direct, lead + len);
          from.writeZero(lead).readerIndex(lead);
          from.writeBytes(data);
          try {
            b.write(sector, from);
            assertEquals(lead + len, from.readerIndex(), "write advances the reader index by the length: " + what);
            assertEquals(1, from.refCnt(), "write leaves the buffer with the caller: " + what);
          } finally {
            from.release();
          }
          System.arraycopy(data, 0, model, (int) (sector * ss), len);
        } else {
          ByteBuf into = buffer(direct, lead + len);
          into.writeZero(lead);
          try {
            b.read(sector, into);
            assertEquals(lead + len, into.writerIndex(), "read advances the writer index by the length: " + what);
            assertEquals(1, into.refCnt(), "read leaves the buffer with the caller: " + what);
            byte[] got = new byte[len];
            into.getBytes(lead, got);
            assertArrayEquals(Arrays.copyOfRange(model, (int) (sector * ss), (int) (sector * ss) + len), got, what);
          } finally {
            into.release();
          }
        }
      }
      b.flush();
      assertArrayEquals(model, readAll(b), "whole device after the workload (seed " + seed + ")");
    }
  }

  @Test
  public void outOfRangeRequestsThrowBeforeTouchingAnything() throws IOException {
    try (Block b = open(SECTORS)) {
      int ss = b.info().sectorSize();
      byte[] before = fillPattern(b, 0x11);
      long[][] bad = {{SECTORS, 1}, {SECTORS - 1, 2}, {-1, 1}, {SECTORS + 100, 1}, {Long.MAX_VALUE, 1},
          {Long.MAX_VALUE / ss, 2}, {0, SECTORS + 1}};
      for (long[] r : bad) {
        String what = "sector " + r[0] + " x" + r[1];
        ByteBuf into = Unpooled.buffer((int) (r[1] * ss));
        try {
          assertThrows(BlockException.class, () -> b.read(r[0], into), "read " + what);
          assertEquals(0, into.writerIndex(), "a refused read moves nothing: " + what);
        } finally {
          into.release();
        }
        ByteBuf from = Unpooled.buffer((int) (r[1] * ss));
        from.writeBytes(filled((int) (r[1] * ss), 0x77));
        try {
          assertThrows(BlockException.class, () -> b.write(r[0], from), "write " + what);
          assertEquals(0, from.readerIndex(), "a refused write moves nothing: " + what);
          assertEquals(1, from.refCnt());
        } finally {
          from.release();
        }
        assertThrows(BlockException.class, () -> b.discard(r[0], r[1]), "discard " + what);
      }
      assertArrayEquals(before, readAll(b), "refused requests must not change the device");
    }
  }

  @Test
  public void misalignedRequestsThrowBeforeTouchingAnything() throws IOException {
    try (Block b = open(SECTORS)) {
      int ss = b.info().sectorSize();
      byte[] before = fillPattern(b, 0x22);
      for (int len : new int[] {1, ss - 1, ss + 1, 2 * ss - 3}) {
        ByteBuf into = Unpooled.buffer(len, len);
        try {
          assertThrows(BlockException.class, () -> b.read(3, into), "read of " + len + " bytes");
          assertEquals(0, into.writerIndex());
        } finally {
          into.release();
        }
        ByteBuf from = Unpooled.wrappedBuffer(filled(len, 0x55));
        try {
          assertThrows(BlockException.class, () -> b.write(3, from), "write of " + len + " bytes");
          assertEquals(0, from.readerIndex());
        } finally {
          from.release();
        }
      }
      assertArrayEquals(before, readAll(b), "refused requests must not change the device");
    }
  }

  @Test
  public void zeroLengthRequestsDoNothing() throws IOException {
    try (Block b = open(SECTORS)) {
      byte[] before = fillPattern(b, 0x33);
      for (long sector : new long[] {0, 17, SECTORS}) {
        ByteBuf into = Unpooled.buffer(0, 0);
        b.read(sector, into);
        assertEquals(0, into.writerIndex());
        into.release();
        ByteBuf from = Unpooled.EMPTY_BUFFER;
        b.write(sector, from);
        b.discard(sector, 0);
      }
      assertArrayEquals(before, readAll(b));
    }
  }

  @Test
  public void flushKeepsWhatWasWritten() throws IOException {
    try (Block b = open(SECTORS)) {
      int ss = b.info().sectorSize();
      byte[] data = filled(4 * ss, 0x5a);
      write(b, 100, data);
      b.flush();
      b.flush();
      assertArrayEquals(data, read(b, 100, 4));
    }
  }

  @Test
  public void discardLeavesOtherSectorsAloneAndSectorsStayUsable() throws IOException {
    try (Block b = open(SECTORS)) {
      int ss = b.info().sectorSize();
      byte[] before = fillPattern(b, 0x44);
      b.discard(10, 5);
      byte[] after = readAll(b);
      if (!b.info().discardSupported()) {
        assertArrayEquals(before, after, "discard on a device without discard support does nothing");
      }
      assertArrayEquals(Arrays.copyOfRange(before, 0, 10 * ss), Arrays.copyOfRange(after, 0, 10 * ss),
          "sectors before the discarded range");
      assertArrayEquals(Arrays.copyOfRange(before, 15 * ss, before.length), Arrays.copyOfRange(after, 15 * ss, after.length),
          "sectors after the discarded range");
      byte[] fresh = filled(5 * ss, 0x66);
      write(b, 10, fresh);
      assertArrayEquals(fresh, read(b, 10, 5), "discarded sectors can be written again");
      assertThrows(BlockException.class, () -> b.discard(SECTORS - 2, 3));
      assertThrows(BlockException.class, () -> b.discard(0, -1));
    }
  }

  @Test
  public void readOnlyDeviceRefusesWrites() throws IOException {
    Block ro = openReadOnly(SECTORS);
    Assumptions.assumeTrue(ro != null, "this implementation has no read-only mode");
    try (Block b = ro) {
      assertFalse(b.info().readWrite(), "info().readWrite() of a read-only device");
      int ss = b.info().sectorSize();
      byte[] before = readAll(b);
      ByteBuf from = Unpooled.wrappedBuffer(filled(ss, 0x99));
      try {
        assertThrows(BlockException.class, () -> b.write(0, from));
        assertEquals(0, from.readerIndex());
      } finally {
        from.release();
      }
      assertArrayEquals(before, readAll(b), "a refused write must not change the device");
    }
  }

  @Test
  public void concurrentRequestsOnDistinctSectorsDoNotDisturbEachOther() throws Exception {
    try (Block b = open(SECTORS)) {
      int ss = b.info().sectorSize();
      int threads = 4;
      long region = SECTORS / threads;
      List<Future<?>> futures = new ArrayList<>();
      try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
        for (int t = 0; t < threads; t++) {
          int id = t;
          futures.add(pool.submit(() -> {
            SplittableRandom r = new SplittableRandom(seed() + id);
            byte[] mine = new byte[(int) region * ss];
            for (int i = 0; i < 100; i++) {
              long at = r.nextLong(region - 4);
              byte[] data = new byte[4 * ss];
              r.nextBytes(data);
              write(b, id * region + at, data);
              System.arraycopy(data, 0, mine, (int) at * ss, data.length);
              assertArrayEquals(data, read(b, id * region + at, 4), "thread " + id + " op " + i);
            }
            return mine;
          }));
        }
        for (int t = 0; t < threads; t++) {
          byte[] mine = (byte[]) futures.get(t).get(60, TimeUnit.SECONDS);
          assertArrayEquals(mine, read(b, t * region, (int) region), "region of thread " + t + " (seed " + seed() + ")");
        }
      }
    }
  }

  @Test
  public void closeIsIdempotentAndLaterRequestsFail() throws IOException {
    Block b = open(SECTORS);
    int ss = b.info().sectorSize();
    b.close();
    b.close();
    ByteBuf into = Unpooled.buffer(ss);
    try {
      assertThrows(IOException.class, () -> b.read(0, into), "read after close");
      assertEquals(0, into.writerIndex());
    } finally {
      into.release();
    }
    ByteBuf from = Unpooled.wrappedBuffer(new byte[ss]);
    try {
      assertThrows(IOException.class, () -> b.write(0, from), "write after close");
    } finally {
      from.release();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static ByteBuf buffer(boolean direct, int capacity) {
    return direct ? Unpooled.directBuffer(capacity) : Unpooled.buffer(capacity);
  }

  private static byte[] filled(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (seed + i * 31 + (i >>> 9));
    }
    return b;
  }

  /** Writes a recognisable pattern over the whole device and returns it. */
  private static byte[] fillPattern(Block b, int seed) throws IOException {
    int ss = b.info().sectorSize();
    byte[] all = filled((int) (b.info().sectorCount() * ss), seed);
    write(b, 0, all);
    return all;
  }

  static void write(Block b, long sector, byte[] data) throws IOException {
    ByteBuf from = Unpooled.wrappedBuffer(data);
    try {
      b.write(sector, from);
      if (from.isReadable()) {
        fail("write left " + from.readableBytes() + " bytes unread");
      }
    } finally {
      from.release();
    }
  }

  static byte[] read(Block b, long sector, int count) throws IOException {
    ByteBuf into = Unpooled.buffer(count * b.info().sectorSize());
    try {
      b.read(sector, into);
      return ByteBufUtil.getBytes(into);
    } finally {
      into.release();
    }
  }

  private static byte[] readAll(Block b) throws IOException {
    return read(b, 0, (int) b.info().sectorCount());
  }
}
