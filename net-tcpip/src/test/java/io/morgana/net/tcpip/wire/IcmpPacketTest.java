package io.morgana.net.tcpip.wire;

import static io.morgana.net.tcpip.wire.WireTestSupport.buf;
import static io.morgana.net.tcpip.wire.WireTestSupport.hexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class IcmpPacketTest {

  // Echo request, identifier 0x1234, sequence 1, data "abcd"; checksum 0x2104 worked out by hand:
  // 0800 + 1234 + 0001 + 6162 + 6364 = 0xdefb, complemented.
  private static final String ECHO = "08 00 2104 1234 0001 61626364";

  @Test
  void rfc792_deconstructEchoRequest() throws Exception {
    assertEquals(new IcmpHeader(8, 0, 0x1234_0001), IcmpHeader.parse(buf(ECHO)));
  }

  @Test
  void rfc792_constructEchoRequest() {
    ByteBuf b = buf("0000000000000000 61626364");
    new IcmpHeader(8, 0, 0x1234_0001).emit(b, 0, 4);
    assertEquals(ECHO.replace(" ", ""), hexOf(b, 0, 12));
  }

  @Test
  void rfc792_badChecksumIsRefused() {
    assertEquals(MalformedPacketException.Reason.BAD_CHECKSUM,
        assertThrows(MalformedPacketException.class, () -> IcmpHeader.parse(buf(ECHO.replace("2104", "2105")))).reason());
  }

  @Test
  void impossibleLength() {
    assertEquals(MalformedPacketException.Reason.TRUNCATED,
        assertThrows(MalformedPacketException.class, () -> IcmpHeader.parse(buf("0800f7ff0000"))).reason());
  }

  @Test
  void rfc1122_3_2_2_errorTypes() {
    for (int t : new int[] {3, 4, 5, 11, 12}) {
      assertEquals(true, IcmpPacket.isError(t), "type " + t);
    }
    for (int t : new int[] {0, 8, 13, 14}) {
      assertEquals(false, IcmpPacket.isError(t), "type " + t);
    }
  }
}
