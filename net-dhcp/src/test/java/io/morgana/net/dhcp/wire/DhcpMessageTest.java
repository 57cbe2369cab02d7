package io.morgana.net.dhcp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhcpMessageTest {

  static final MacAddress MAC = MacAddress.parse("02:00:5e:10:00:02");

  static ByteBuf fixed(int op, int xid) {
    ByteBuf b = Unpooled.buffer();
    b.writeByte(op).writeByte(1).writeByte(6).writeByte(0);
    b.writeInt(xid);
    b.writeShort(3).writeShort(0x8000);
    b.writeInt(0).writeInt(0xc0000264).writeInt(0).writeInt(0);
    b.writeBytes(MAC.toBytes()).writeZero(10);
    b.writeZero(64 + 128);
    b.writeInt(DhcpPacket.MAGIC_COOKIE);
    return b;
  }

  @Test
  void parse_handBuiltOffer_fields() throws Exception {
    ByteBuf b = fixed(2, 0x12345678);
    b.writeBytes(new byte[] {53, 1, 2, 54, 4, (byte) 192, 0, 2, 1, 51, 4, 0, 0, 0x0e, 0x10, 1, 4, (byte) 255, (byte) 255,
        (byte) 255, 0, 3, 4, (byte) 192, 0, 2, 1, 6, 8, 8, 8, 8, 8, 9, 9, 9, 9, 15, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
        26, 2, 5, (byte) 0xdc, (byte) 255});
    DhcpMessage m = DhcpMessage.parse(b);
    assertEquals(MessageType.OFFER, m.type());
    assertEquals(0x12345678, m.xid());
    assertEquals(3, m.secs());
    assertTrue(m.broadcast());
    assertEquals(Ipv4Address.parse("192.0.2.100"), m.yourAddress());
    assertEquals(MAC, m.clientMac());
    DhcpOptions o = m.options();
    assertEquals(Ipv4Address.parse("192.0.2.1"), o.serverId().orElseThrow());
    assertEquals(3600, o.leaseTime().getAsLong());
    assertEquals(24, o.prefixLength().getAsInt());
    assertEquals(List.of(Ipv4Address.parse("192.0.2.1")), o.routers());
    assertEquals(List.of(Ipv4Address.parse("8.8.8.8"), Ipv4Address.parse("9.9.9.9")), o.dnsServers());
    assertEquals("example", o.domainName().orElseThrow());
    assertEquals(1500, o.mtu().getAsInt());
  }

  @Test
  void emit_thenParse_sameMessage() throws Exception {
    DhcpOptions o = DhcpOptions.builder().messageType(MessageType.REQUEST).requestedAddress(Ipv4Address.parse("192.0.2.7"))
        .serverId(Ipv4Address.parse("192.0.2.1")).parameterRequestList(1, 3, 6).hostName("morgana")
        .clientId(new byte[] {1, 2, 0, 0x5e, 0x10, 0, 2}).build();
    DhcpMessage m = new DhcpMessage(1, 0, 42, 7, false, Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY, MAC, o);
    ByteBuf b = Unpooled.buffer();
    m.emit(b);
    assertEquals(m.encodedLength(), b.readableBytes());
    assertEquals(m, DhcpMessage.parse(b));
  }

  @Test
  void rfc3396_longOptionSplitAcrossInstances_concatenated() throws Exception {
    byte[] big = new byte[600];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    DhcpOptions o = DhcpOptions.builder().messageType(MessageType.ACK).raw(224, big).build();
    DhcpMessage m = new DhcpMessage(2, 0, 1, 0, false, Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY, MAC, o);
    ByteBuf b = Unpooled.buffer();
    m.emit(b);
    // Three instances of option 224: 255 + 255 + 90 bytes.
    assertEquals(DhcpPacket.MIN_LENGTH + 3 + 3 * 2 + 600 + 1, b.readableBytes());
    assertArrayEquals(big, DhcpMessage.parse(b).options().raw(224).orElseThrow());
  }

  @Test
  void rfc3396_dnsServersSplitInTwo_concatenated() throws Exception {
    ByteBuf b = fixed(2, 1);
    b.writeBytes(new byte[] {53, 1, 5, 6, 4, 1, 1, 1, 1, 6, 4, 2, 2, 2, 2, (byte) 255});
    assertEquals(List.of(Ipv4Address.parse("1.1.1.1"), Ipv4Address.parse("2.2.2.2")), DhcpMessage.parse(b).options().dnsServers());
  }

  @Test
  void option52_overloadedFileAndSname_readInRfc3396Order() throws Exception {
    ByteBuf b = fixed(2, 1);
    // options: message type, overload = 3 (both); file: DNS 1.1.1.1 ; sname: DNS 2.2.2.2 and the domain.
    b.writeBytes(new byte[] {53, 1, 5, 52, 1, 3, (byte) 255});
    b.setBytes(DhcpPacket.FILE_OFFSET, new byte[] {6, 4, 1, 1, 1, 1, (byte) 255});
    b.setBytes(DhcpPacket.SNAME_OFFSET, new byte[] {6, 4, 2, 2, 2, 2, 15, 1, 'x', (byte) 255});
    DhcpOptions o = DhcpMessage.parse(b).options();
    assertEquals(List.of(Ipv4Address.parse("1.1.1.1"), Ipv4Address.parse("2.2.2.2")), o.dnsServers());
    assertEquals("x", o.domainName().orElseThrow());
    assertTrue(!o.has(DhcpOptions.OVERLOAD));
  }

  @Test
  void rfc3442_classlessDefaultRoute_takesPrecedenceOverRouter() throws Exception {
    DhcpOptions o = DhcpOptions.builder().messageType(MessageType.ACK).routers(List.of(Ipv4Address.parse("192.0.2.1")))
        .classlessRoutes(List.of(
            new ClasslessRoute(Ipv4Cidr.parse("10.0.0.0/8"), Ipv4Address.parse("192.0.2.9")),
            new ClasslessRoute(Ipv4Cidr.parse("0.0.0.0/0"), Ipv4Address.parse("192.0.2.254"))))
        .build();
    assertEquals(Ipv4Address.parse("192.0.2.254"), o.defaultGateway().orElseThrow());
    assertEquals(2, o.classlessRoutes().size());
    assertEquals(Ipv4Cidr.parse("10.0.0.0/8"), o.classlessRoutes().getFirst().destination());
    // RFC 3442 §5's example encoding of 10.0.0.0/8 via 10.0.0.1: 8 10 10 0 0 1.
    DhcpOptions golden = DhcpOptions.of(java.util.Map.of(121, new byte[] {8, 10, 10, 0, 0, 1}));
    assertEquals(new ClasslessRoute(Ipv4Cidr.parse("10.0.0.0/8"), Ipv4Address.parse("10.0.0.1")), golden.classlessRoutes().getFirst());
  }

  @Test
  void noMagicCookie_malformed() {
    ByteBuf b = fixed(2, 1);
    b.setInt(DhcpPacket.COOKIE_OFFSET, 0);
    b.writeBytes(new byte[] {53, 1, 2, (byte) 255});
    assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(b));
  }

  @Test
  void truncatedOption_malformed() {
    ByteBuf b = fixed(2, 1);
    b.writeBytes(new byte[] {53, 1, 2, 6, 8, 1, 1, 1, 1});
    assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(b));
  }

  @Test
  void nonsenseLengths_malformed() {
    byte[][] bad = {
      {53, 1, 2, 1, 3, (byte) 255, (byte) 255, 0, (byte) 255}, // mask of 3 bytes
      {53, 1, 2, 51, 2, 0, 1, (byte) 255}, // lease time of 2 bytes
      {53, 1, 2, 3, 5, 1, 1, 1, 1, 1, (byte) 255}, // router list not a multiple of 4
      {53, 1, 9, (byte) 255}, // message type 9
      {53, 2, 2, 2, (byte) 255}, // message type of 2 bytes
      {53, 1, 2, 121, 2, 33, 0, (byte) 255}, // route width 33
      {53, 1, 2, 26, 2, 0, 10, (byte) 255}, // MTU 10
    };
    for (byte[] options : bad) {
      ByteBuf b = fixed(2, 1);
      b.writeBytes(options);
      assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(b), java.util.HexFormat.of().formatHex(options));
    }
  }

  @Test
  void tooShort_orBootpWithoutType_malformed() {
    assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(Unpooled.wrappedBuffer(new byte[239])));
    ByteBuf b = fixed(2, 1);
    b.writeByte(255);
    assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(b));
  }

  @Test
  void unknownOptions_keptRaw_andEmittedAgain() throws Exception {
    ByteBuf b = fixed(1, 1);
    b.writeBytes(new byte[] {53, 1, 1, (byte) 200, 3, 7, 8, 9, (byte) 255});
    DhcpMessage m = DhcpMessage.parse(b);
    assertArrayEquals(new byte[] {7, 8, 9}, m.options().raw(200).orElseThrow());
    ByteBuf out = Unpooled.buffer();
    m.emit(out);
    assertEquals(m, DhcpMessage.parse(out));
  }
}
