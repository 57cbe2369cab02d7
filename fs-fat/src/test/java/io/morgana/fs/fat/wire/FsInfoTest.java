package io.morgana.fs.fat.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class FsInfoTest {

  @Test
  void fatgen103_signaturesAndFieldsAtTheirOffsets() throws FatFormatException {
    ByteBuf b = Unpooled.buffer(512, 512);
    new FsInfo(12345, 67).emit(b, 0);
    assertEquals(0x41615252, b.getIntLE(0));
    assertEquals(0x61417272, b.getIntLE(484));
    assertEquals(12345, b.getIntLE(488));
    assertEquals(67, b.getIntLE(492));
    assertEquals(0xAA550000, b.getIntLE(508));
    assertEquals(new FsInfo(12345, 67), FsInfo.parse(b, 0));
  }

  @Test
  void badSignature_isMalformed() {
    ByteBuf b = Unpooled.buffer(512, 512);
    new FsInfo(1, 2).emit(b, 0);
    b.setByte(0, 0);
    assertThrows(FatFormatException.class, () -> FsInfo.parse(b, 0));
    assertThrows(FatFormatException.class, () -> FsInfo.parse(Unpooled.buffer(100, 100), 0));
  }
}
