package io.morgana.net.tcpip.wire;

import static io.morgana.net.tcpip.wire.WireTestSupport.buf;
import static io.morgana.net.tcpip.wire.WireTestSupport.hexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class EthernetFrameTest {

  // Broadcast ARP frame header as captured: dst ff:ff:ff:ff:ff:ff, src 02:00:00:00:00:02, type 0x0806.
  private static final String ARP_BROADCAST = "ffffffffffff 020000000002 0806";

  @Test
  void rfc894_deconstruct() throws Exception {
    EthernetHeader h = EthernetHeader.parse(buf(ARP_BROADCAST + "00"));
    assertEquals(MacAddress.BROADCAST, h.destination());
    assertEquals(MacAddress.parse("02:00:00:00:00:02"), h.source());
    assertEquals(0x0806, h.etherType());
  }

  @Test
  void rfc894_construct() {
    ByteBuf b = Unpooled.buffer(14).writerIndex(14);
    new EthernetHeader(MacAddress.BROADCAST, MacAddress.parse("02:00:00:00:00:02"), 0x0806).emit(b, 0);
    assertEquals(ARP_BROADCAST.replace(" ", ""), hexOf(b, 0, 14));
  }

  @Test
  void impossibleLength() {
    MalformedPacketException e = assertThrows(MalformedPacketException.class, () -> EthernetHeader.parse(buf("ffffffffffff02000000000208")));
    assertEquals(MalformedPacketException.Reason.TRUNCATED, e.reason());
  }

  @Test
  void ieee8023_lengthFramesAndVlanTagsAreRecognised() {
    assertTrue(EthernetFrame.isLengthField(0x05dc));
    assertTrue(EthernetFrame.isVlanTag(0x8100));
    assertTrue(EthernetFrame.isVlanTag(0x88a8));
    assertTrue(!EthernetFrame.isLengthField(0x0800) && !EthernetFrame.isVlanTag(0x0800));
  }
}
