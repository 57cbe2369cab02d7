package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.api.BlockException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Random requests against a {@link RamBlock} and a plain byte array: same bytes, same refusals. */
class RamBlockProperties {

  @Property(tries = 200, seed = "20261126")
  void randomRequests_matchAByteArrayModel(
      @ForAll @IntRange(min = 0, max = 3) int sectorShift,
      @ForAll @IntRange(min = 0, max = 400) int sectors,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) throws Exception {
    int sectorSize = 512 << sectorShift;
    RamBlock disk = RamBlock.create(sectorSize, sectors);
    byte[] model = new byte[sectors * sectorSize];
    Random r = new Random(seed);
    for (int op = 0; op < 60; op++) {
      long sector = r.nextInt(sectors + 4) - 2;
      int count = r.nextInt(Math.max(1, Math.min(sectors, 300)) + 3);
      int length = r.nextInt(10) == 0 ? count * sectorSize + 1 + r.nextInt(sectorSize - 1) : count * sectorSize;
      boolean valid = sector >= 0 && length % sectorSize == 0 && sector + count <= sectors;
      switch (r.nextInt(3)) {
        case 0 -> {
          byte[] data = new byte[length];
          r.nextBytes(data);
          ByteBuf from = Unpooled.wrappedBuffer(data);
          try {
            disk.write(sector, from);
            if (!valid) {
              fail("write of " + length + " bytes at " + sector + " accepted on " + sectors + " sectors (seed " + seed + ")");
            }
            System.arraycopy(data, 0, model, (int) sector * sectorSize, length);
          } catch (BlockException e) {
            if (valid) {
              throw e;
            }
            assertEquals(length, from.readableBytes(), "a refused write moves nothing");
          }
        }
        case 1 -> {
          ByteBuf into = Unpooled.buffer(length, length);
          try {
            disk.read(sector, into);
            if (!valid) {
              fail("read of " + length + " bytes at " + sector + " accepted on " + sectors + " sectors (seed " + seed + ")");
            }
            assertArrayEquals(Arrays.copyOfRange(model, (int) sector * sectorSize, (int) sector * sectorSize + length),
                into.array(), "seed " + seed);
          } catch (BlockException e) {
            if (valid) {
              throw e;
            }
            assertEquals(0, into.writerIndex(), "a refused read moves nothing");
            assertTrue(e.getMessage().contains("sector " + sector), e.getMessage());
          }
        }
        default -> {
          boolean inRange = sector >= 0 && sector + count <= sectors;
          try {
            disk.discard(sector, count);
            if (!inRange) {
              fail("discard of " + count + " at " + sector + " accepted (seed " + seed + ")");
            }
            Arrays.fill(model, (int) sector * sectorSize, (int) (sector + count) * sectorSize, (byte) 0);
          } catch (BlockException e) {
            if (inRange) {
              throw e;
            }
          }
        }
      }
    }
    assertArrayEquals(model, disk.toByteArray(), "seed " + seed);
  }
}
