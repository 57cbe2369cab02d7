package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.BlockException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RamBlockTest {

  @Test
  void newDisk_readsZerosAndAllocatesNothing() throws Exception {
    RamBlock disk = RamBlock.create(1 << 20); // 512 MiB, lazily
    assertEquals(512, disk.info().sectorSize());
    assertEquals(1 << 20, disk.info().sectorCount());
    ByteBuf buf = Unpooled.buffer(4096);
    disk.read(12345, buf);
    assertEquals(4096, buf.readableBytes());
    for (int i = 0; i < 4096; i++) {
      assertEquals(0, buf.getByte(i));
    }
    assertEquals(0, disk.allocatedBytes());
  }

  @Test
  void writeThenRead_acrossChunkBoundaries() throws Exception {
    RamBlock disk = RamBlock.create(1024);
    byte[] data = new byte[300 * 512];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    ByteBuf from = Unpooled.wrappedBuffer(data);
    disk.write(100, from); // 51200 .. 204800: crosses the 64 KiB chunk boundaries
    assertEquals(0, from.readableBytes(), "write consumes its buffer");
    ByteBuf back = Unpooled.buffer(data.length);
    disk.read(100, back);
    assertArrayEquals(data, Arrays.copyOf(back.array(), data.length));
    byte[] image = disk.toByteArray();
    assertArrayEquals(data, Arrays.copyOfRange(image, 100 * 512, 100 * 512 + data.length));
  }

  @Test
  void readPastTheEnd_isAClearErrorNamingSectorCountAndSize() {
    RamBlock disk = RamBlock.create(100);
    BlockException e = assertThrows(BlockException.class, () -> disk.read(99, Unpooled.buffer(1024)));
    assertTrue(e.getMessage().contains("2 sectors at sector 99"), e.getMessage());
    assertTrue(e.getMessage().contains("100 sectors of 512 bytes"), e.getMessage());
    ByteBuf into = Unpooled.buffer(1024);
    assertThrows(BlockException.class, () -> disk.read(-1, into));
    assertEquals(0, into.writerIndex(), "nothing moved");
  }

  @Test
  void misalignedLength_isRefused() {
    RamBlock disk = RamBlock.create(100);
    BlockException e = assertThrows(BlockException.class, () -> disk.write(0, Unpooled.buffer(700).writerIndex(700)));
    assertTrue(e.getMessage().contains("not a whole number of 512-byte sectors"), e.getMessage());
  }

  @Test
  void discard_zeroesAndFreesWholeChunks() throws Exception {
    RamBlock disk = RamBlock.create(512);
    byte[] ones = new byte[512 * 512];
    Arrays.fill(ones, (byte) 1);
    disk.write(0, Unpooled.wrappedBuffer(ones));
    assertEquals(512 * 512, disk.allocatedBytes());
    disk.discard(1, 510);
    byte[] image = disk.toByteArray();
    assertEquals(1, image[511]);
    assertEquals(0, image[512]);
    assertEquals(0, image[511 * 512 - 1]);
    assertEquals(1, image[511 * 512]);
    assertTrue(disk.allocatedBytes() < 512 * 512);
    assertThrows(BlockException.class, () -> disk.discard(500, 13));
  }

  @Test
  void largerSectors_areHonoured() throws Exception {
    RamBlock disk = RamBlock.create(4096, 10);
    assertEquals(40960, disk.info().sizeBytes());
    assertThrows(BlockException.class, () -> disk.read(0, Unpooled.buffer(512)));
    disk.write(9, Unpooled.wrappedBuffer(new byte[4096]));
    assertThrows(IllegalArgumentException.class, () -> RamBlock.create(1000, 10));
    RamBlock huge = RamBlock.create(1 << 17, 3); // 128 KiB sectors: chunks of one sector
    byte[] s = new byte[1 << 17];
    s[5] = 42;
    huge.write(2, Unpooled.wrappedBuffer(s));
    ByteBuf back = Unpooled.buffer(1 << 17);
    huge.read(2, back);
    assertEquals(42, back.getByte(5));
  }

  @Test
  void closed_refusesEveryRequest() throws Exception {
    RamBlock disk = RamBlock.create(8);
    disk.close();
    disk.close();
    BlockException e = assertThrows(BlockException.class, () -> disk.read(0, Unpooled.buffer(512)));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(BlockException.class, () -> disk.write(0, Unpooled.buffer(512).writerIndex(512)));
    assertThrows(BlockException.class, disk::flush);
  }

  @Test
  void copyOf_refusesPartialSectors() {
    assertThrows(IllegalArgumentException.class, () -> RamBlock.copyOf(new byte[513]));
    assertEquals(2, RamBlock.copyOf(new byte[1024]).info().sectorCount());
  }

  @Test
  void emptyRequests_areAllowedAtAnyInRangeSector() throws Exception {
    RamBlock disk = RamBlock.create(8);
    disk.read(8, Unpooled.buffer(0));
    disk.write(0, Unpooled.buffer(0));
    assertThrows(BlockException.class, () -> disk.read(9, Unpooled.buffer(0)));
  }
}
