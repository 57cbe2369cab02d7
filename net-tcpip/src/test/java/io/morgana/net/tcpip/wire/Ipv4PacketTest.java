package io.morgana.net.tcpip.wire;

import static io.morgana.net.tcpip.wire.WireTestSupport.buf;
import static io.morgana.net.tcpip.wire.WireTestSupport.hexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class Ipv4PacketTest {

  // The classic example header (total length 0x73, DF, TTL 64, UDP, 192.168.0.1 -> 192.168.0.199,
  // checksum 0xb861), followed by 95 payload bytes.
  private static final String HEADER = "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7";
  private static final String PAYLOAD = "00".repeat(0x73 - 20);

  // IHL 6 with a Router Alert option (RFC 2113: 94 04 0000), 4 payload bytes, checksum 0xa0d7
  // (computed by hand: the complement of the one's complement sum of the 12 header words).
  private static final String WITH_OPTIONS = "4600 001c 0001 0000 0102 a0d7 c0000201 c0000202 94040000 deadbeef";

  @Test
  void rfc791_deconstruct() throws Exception {
    Ipv4Header h = Ipv4Header.parse(buf(HEADER + PAYLOAD));
    assertEquals(new Ipv4Header(0, 0x73, 0, true, false, 0, 64, 17, Ipv4Address.parse("192.168.0.1"),
        Ipv4Address.parse("192.168.0.199"), 20), h);
  }

  @Test
  void rfc791_construct() {
    ByteBuf b = Unpooled.buffer(20).writerIndex(20);
    Ipv4Header.of(0x73, 0, true, 64, 17, Ipv4Address.parse("192.168.0.1"), Ipv4Address.parse("192.168.0.199"))
        .emit(b, 0);
    assertEquals(HEADER.replace(" ", ""), hexOf(b, 0, 20));
  }

  @Test
  void rfc791_optionsAreAcceptedAndSkipped() throws Exception {
    ByteBuf b = buf(WITH_OPTIONS);
    Ipv4Packet p = new Ipv4Packet().wrap(b, 0, b.readableBytes()).check(true);
    assertEquals(24, p.headerLength());
    assertEquals(24, p.payloadOffset());
    assertEquals(4, p.payloadLength());
    assertEquals(0xdeadbeef, b.getInt(p.payloadOffset()));
    assertEquals(2, p.protocol());
    assertEquals(1, p.timeToLive());
  }

  @Test
  void rfc791_trailingBytesBeyondTotalLengthAreNotPayload() throws Exception {
    ByteBuf b = buf(HEADER + PAYLOAD + "ffffffff"); // Ethernet padding
    Ipv4Packet p = new Ipv4Packet().wrap(b, 0, b.readableBytes()).check(true);
    assertEquals(0x73 - 20, p.payloadLength());
  }

  @Test
  void rfc791_fragmentFields() throws Exception {
    ByteBuf b = Unpooled.buffer(28).writerIndex(28);
    new Ipv4Header(0, 28, 0xabcd, false, true, 1480, 64, 1, Ipv4Address.parse("192.0.2.1"),
        Ipv4Address.parse("192.0.2.2"), 20).emit(b, 0);
    Ipv4Packet p = new Ipv4Packet().wrap(b, 0, 28).check(true);
    assertTrue(p.isFragment());
    assertTrue(p.moreFragments());
    assertFalse(p.dontFragment());
    assertEquals(1480, p.fragmentOffset());
    assertEquals(0x2000 | 185, p.flagsAndFragment());
  }

  @Test
  void rfc1122_3_2_1_1_badVersionIsRefused() {
    assertReason(MalformedPacketException.Reason.BAD_VERSION, "6" + HEADER.substring(1) + PAYLOAD);
  }

  @Test
  void rfc1122_3_2_1_badHeaderLengthIsRefused() {
    assertReason(MalformedPacketException.Reason.BAD_HEADER_LENGTH, "44" + HEADER.substring(2) + PAYLOAD);
    assertReason(MalformedPacketException.Reason.BAD_HEADER_LENGTH, "4f" + HEADER.substring(2) + "00".repeat(20));
  }

  @Test
  void rfc1122_3_2_1_badTotalLengthIsRefused() {
    assertReason(MalformedPacketException.Reason.BAD_LENGTH, HEADER + PAYLOAD.substring(2));
    assertReason(MalformedPacketException.Reason.BAD_LENGTH, "4500 0010" + HEADER.substring(9) + PAYLOAD);
  }

  @Test
  void rfc1122_3_2_1_2_badChecksumIsRefused() {
    assertReason(MalformedPacketException.Reason.BAD_CHECKSUM, HEADER.replace("b861", "b862") + PAYLOAD);
  }

  @Test
  void impossibleLength() {
    assertReason(MalformedPacketException.Reason.TRUNCATED, HEADER.substring(0, 30));
  }

  @Test
  void rfc792_quoteIsHeaderPlusRequestedPayload() throws Exception {
    ByteBuf b = buf(WITH_OPTIONS);
    Ipv4Packet p = new Ipv4Packet().wrap(b, 0, b.readableBytes()).check(true);
    ByteBuf out = Unpooled.buffer();
    assertEquals(28, p.writeQuote(out, 8));
    assertEquals(WITH_OPTIONS.replace(" ", ""), hexOf(out, 0, 28));
  }

  private static void assertReason(MalformedPacketException.Reason reason, String hex) {
    MalformedPacketException e = assertThrows(MalformedPacketException.class, () -> Ipv4Header.parse(buf(hex)));
    assertEquals(reason, e.reason());
  }
}
