package io.morgana.block.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WireTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void guid_mixedEndianLayout_uefiAppendixA() {
    ByteBuf b = Unpooled.buffer(16).writeZero(16);
    Guids.set(b, 0, UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"));
    assertEquals("28732ac11ff8d211ba4b00a0c93ec93b", ByteBufUtil.hexDump(b));
    assertEquals(UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"), Guids.get(b, 0));
  }

  @Test
  void mbrEntry_emitsChsLikeSfdisk() throws Exception {
    // sfdisk, 64 MiB image: start=2048 size=20480 type=c bootable -> 80 20 21 00 0c 66 25 01 00 08 00 00 00 50 00 00
    ByteBuf b = Unpooled.buffer(16).writeZero(16);
    new MbrEntry(true, 0x0c, 2048, 20480).emit(b, 0);
    assertEquals("802021000c6625010008000000500000", ByteBufUtil.hexDump(b));
    // beyond cylinder 1023 CHS saturates at fe ff ff
    new MbrEntry(false, 0x83, 20_000_000, 1000).emit(b, 0);
    assertEquals("fe ff ff", ByteBufUtil.hexDump(b, 1, 3).replaceAll("(..)(..)(..)", "$1 $2 $3"));
    assertEquals(new MbrEntry(false, 0x83, 20_000_000, 1000), MbrEntry.parse(b, 0));
  }

  @Test
  void mbrEntry_refusesOutOfRangeFields() {
    assertThrows(IllegalArgumentException.class, () -> new MbrEntry(false, 256, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new MbrEntry(false, 1, 1L << 32, 0));
    assertThrows(IllegalArgumentException.class, () -> new MbrEntry(false, 1, 0, -1));
  }

  @Test
  void mbrSector_roundTripAndMissingSignature() throws Exception {
    ByteBuf b = Unpooled.buffer(512).writeZero(512);
    MbrSector s = new MbrSector(0x12345678, List.of(new MbrEntry(false, 0x83, 1, 9), MbrEntry.EMPTY, MbrEntry.EMPTY, new MbrEntry(true, 7, 10, 5)));
    s.emit(b, 0);
    assertEquals("78563412", ByteBufUtil.hexDump(b, 440, 4));
    assertEquals("55aa", ByteBufUtil.hexDump(b, 510, 2));
    assertEquals(s, MbrSector.parse(b, 0, "test"));
    b.setByte(511, 0);
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> MbrSector.parse(b, 0, "test MBR"));
    assertTrue(e.getMessage().startsWith("test MBR: no 0x55 0xAA"), e.getMessage());
  }

  @Test
  void gptHeader_goldenFromSgdisk_andEveryCheck() throws Exception {
    // primary header of golden/sgdisk-gpt-8m.img.gz (LBA 1), 92 bytes
    byte[] golden = HEX.parseHex("4546492050415254000001005c000000" + "1643686a000000000100000000000000"
        + "ff3f0000000000002200000000000000" + "de3f0000000000001111111122223333" + "44445555555555550200000000000000"
        + "8000000080000000b126754e");
    ByteBuf b = Unpooled.buffer(512).writeZero(512);
    b.setBytes(0, golden);
    GptHeader h = GptHeader.parse(b, 0, 1, 16384, 512, "primary");
    assertEquals(new GptHeader(GptHeader.REVISION_1_0, 92, 1, 16383, 34, 16350, UUID.fromString("11111111-2222-3333-4444-555555555555"),
        2, 128, 128, 0x4e7526b1), h);
    ByteBuf out = Unpooled.buffer(512).writeZero(512);
    h.emit(out, 0);
    assertArrayEquals(golden, ByteBufUtil.getBytes(out, 0, 92));

    assertMalformed(b, 2, 16384, "says it is at LBA 1");                       // read from the wrong place
    assertMalformed(b, 1, 1000, "not on the disk");                             // disk too small for its ranges
    ByteBuf crc = b.copy();
    crc.setByte(40, 0x23);
    assertMalformed(crc, 1, 16384, "header CRC32");
    ByteBuf sig = b.copy();
    sig.setByte(0, 'X');
    assertMalformed(sig, 1, 16384, "EFI PART");
    for (var bad : List.of(
        new GptHeader(GptHeader.REVISION_1_0, 92, 1, 16383, 34, 16350, UUID.randomUUID(), 2, 128, 100, 0),        // entry size
        new GptHeader(GptHeader.REVISION_1_0, 92, 1, 16383, 34, 16350, UUID.randomUUID(), 2, 1 << 20, 128, 0),    // huge array
        new GptHeader(GptHeader.REVISION_1_0, 92, 1, 16383, 34, 20000, UUID.randomUUID(), 2, 128, 128, 0),        // usable past end
        new GptHeader(GptHeader.REVISION_1_0, 92, 1, 16383, 34, 16350, UUID.randomUUID(), 16380, 128, 128, 0),    // array past end
        new GptHeader(GptHeader.REVISION_1_0, 92, 1, 99999, 34, 16350, UUID.randomUUID(), 2, 128, 128, 0))) {     // alternate
      ByteBuf x = Unpooled.buffer(512).writeZero(512);
      bad.emit(x, 0);
      assertThrows(MalformedPartitionTableException.class, () -> GptHeader.parse(x, 0, 1, 16384, 512, "p"), bad.toString());
    }
    ByteBuf size = Unpooled.buffer(1024).writeZero(1024);
    new GptHeader(GptHeader.REVISION_1_0, 600, 1, 16383, 34, 16350, UUID.randomUUID(), 2, 128, 128, 0).emit(size, 0);
    assertMalformed(size, 1, 16384, "header size 600");
  }

  private static void assertMalformed(ByteBuf b, long lba, long disk, String words) {
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class,
        () -> GptHeader.parse(b, 0, lba, disk, 512, "primary GPT header"));
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }

  @Test
  void gptEntry_utf16NamesUpTo36Units() {
    String name = "données \uD83D\uDE00 0123456789abcdefghijklmno"; // 36 UTF-16 units with the surrogate pair
    assertEquals(36, name.length());
    GptEntry e = new GptEntry(UUID.randomUUID(), UUID.randomUUID(), 5, 6, 0x8000_0000_0000_0001L, name);
    ByteBuf b = Unpooled.buffer(128).writeZero(128);
    e.emit(b, 0);
    assertEquals(e, GptEntry.parse(b, 0));
    assertEquals("6400", ByteBufUtil.hexDump(b, 56, 2));
    assertThrows(IllegalArgumentException.class, () -> new GptEntry(UUID.randomUUID(), UUID.randomUUID(), 0, 0, 0, name + "x"));
    assertThrows(IllegalArgumentException.class, () -> new GptEntry(UUID.randomUUID(), UUID.randomUUID(), 0, 0, 0, "a\0b"));
  }
}
