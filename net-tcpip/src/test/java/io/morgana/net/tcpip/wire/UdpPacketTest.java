package io.morgana.net.tcpip.wire;

import static io.morgana.net.tcpip.wire.WireTestSupport.buf;
import static io.morgana.net.tcpip.wire.WireTestSupport.hexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class UdpPacketTest {

  private static final Ipv4Address SRC = Ipv4Address.parse("192.0.2.2");
  private static final Ipv4Address DST = Ipv4Address.parse("192.0.2.1");

  // 49152 -> 7, length 13, "hello"; checksum 0x77f6 over the pseudo-header (c0000202 c0000201
  // 0011 000d) worked out by hand.
  private static final String HELLO = "c000 0007 000d 77f6 68656c6c6f";

  // 49152 -> 7, length 10, data bbce: the sum comes to 0xffff, so the computed checksum is 0 and
  // RFC 768 sends it as 0xffff.
  private static final String ZERO_SUM = "c000 0007 000a ffff bbce";

  @Test
  void rfc768_deconstruct() throws Exception {
    assertEquals(new UdpHeader(49152, 7, 13), UdpHeader.parse(buf(HELLO), SRC, DST));
  }

  @Test
  void rfc768_construct() {
    ByteBuf b = buf("0000000000000000 68656c6c6f");
    new UdpHeader(49152, 7, 13).emit(b, 0, SRC, DST);
    assertEquals(HELLO.replace(" ", ""), hexOf(b, 0, 13));
  }

  @Test
  void rfc768_computedZeroChecksumIsSentAsAllOnes() throws Exception {
    ByteBuf b = buf("0000000000000000 bbce");
    new UdpHeader(49152, 7, 10).emit(b, 0, SRC, DST);
    assertEquals(ZERO_SUM.replace(" ", ""), hexOf(b, 0, 10));
    assertEquals(new UdpHeader(49152, 7, 10), UdpHeader.parse(b, SRC, DST));
  }

  @Test
  void rfc768_zeroChecksumMeansNone() throws Exception {
    assertEquals(new UdpHeader(49152, 7, 13), UdpHeader.parse(buf(HELLO.replace("77f6", "0000")), SRC, DST));
  }

  @Test
  void rfc768_badChecksumIsRefused() {
    assertEquals(MalformedPacketException.Reason.BAD_CHECKSUM,
        assertThrows(MalformedPacketException.class, () -> UdpHeader.parse(buf(HELLO.replace("77f6", "77f7")), SRC, DST)).reason());
    // The pseudo-header counts: the right bytes from another source do not verify.
    assertThrows(MalformedPacketException.class, () -> UdpHeader.parse(buf(HELLO), Ipv4Address.parse("192.0.2.3"), DST));
  }

  @Test
  void rfc768_lengthFieldBeyondDataIsRefused() {
    assertEquals(MalformedPacketException.Reason.BAD_LENGTH,
        assertThrows(MalformedPacketException.class, () -> UdpHeader.parse(buf(HELLO.replace("000d", "000e")), SRC, DST)).reason());
    assertEquals(MalformedPacketException.Reason.BAD_LENGTH,
        assertThrows(MalformedPacketException.class, () -> UdpHeader.parse(buf(HELLO.replace("000d", "0007")), SRC, DST)).reason());
  }

  @Test
  void impossibleLength() {
    assertEquals(MalformedPacketException.Reason.TRUNCATED,
        assertThrows(MalformedPacketException.class, () -> UdpHeader.parse(buf("c0000007000d"), SRC, DST)).reason());
  }
}
