package io.morgana.net.tcpip.wire;

import static io.morgana.net.tcpip.wire.WireTestSupport.buf;
import static io.morgana.net.tcpip.wire.WireTestSupport.hexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ArpPacketTest {

  // "who-has 192.0.2.1 tell 192.0.2.2" from 02:00:00:00:00:02, written out field by field:
  private static final String REQUEST =
      "0001" // hardware type: Ethernet
          + "0800" // protocol type: IPv4
          + "06" + "04" // address lengths
          + "0001" // operation: request
          + "020000000002" + "c0000202" // sender 02:00:00:00:00:02, 192.0.2.2
          + "000000000000" + "c0000201"; // target unknown, 192.0.2.1

  private static final ArpHeader HEADER = new ArpHeader(ArpPacket.OPERATION_REQUEST,
      MacAddress.parse("02:00:00:00:00:02"), Ipv4Address.parse("192.0.2.2"), MacAddress.ZERO,
      Ipv4Address.parse("192.0.2.1"));

  @Test
  void rfc826_deconstructRequest() throws Exception {
    assertEquals(HEADER, ArpHeader.parse(buf(REQUEST)));
  }

  @Test
  void rfc826_deconstructIgnoresEthernetPadding() throws Exception {
    assertEquals(HEADER, ArpHeader.parse(buf(REQUEST + "000000000000000000000000000000000000")));
  }

  @Test
  void rfc826_constructRequest() {
    ByteBuf b = Unpooled.buffer(28).writerIndex(28);
    HEADER.emit(b, 0);
    assertEquals(REQUEST, hexOf(b, 0, 28));
  }

  @Test
  void impossibleLength() {
    MalformedPacketException e = assertThrows(MalformedPacketException.class, () -> ArpHeader.parse(buf(REQUEST.substring(0, 54))));
    assertEquals(MalformedPacketException.Reason.TRUNCATED, e.reason());
  }

  @Test
  void rfc826_otherHardwareOrProtocolIsUnsupported() {
    String tokenRing = "0006" + REQUEST.substring(4);
    assertEquals(MalformedPacketException.Reason.UNSUPPORTED,
        assertThrows(MalformedPacketException.class, () -> ArpHeader.parse(buf(tokenRing))).reason());
    String ipv6Lengths = REQUEST.substring(0, 10) + "10" + REQUEST.substring(12);
    assertEquals(MalformedPacketException.Reason.UNSUPPORTED,
        assertThrows(MalformedPacketException.class, () -> ArpHeader.parse(buf(ipv6Lengths))).reason());
  }
}
