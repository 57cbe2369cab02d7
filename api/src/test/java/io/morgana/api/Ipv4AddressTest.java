package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Ipv4AddressTest {

  @Test
  void parsesAndFormatsDottedQuad() {
    Ipv4Address a = Ipv4Address.parse("192.0.2.2");
    assertEquals(0xc000_0202, a.toInt());
    assertEquals("192.0.2.2", a.toString());
    assertEquals(Ipv4Address.of(192, 0, 2, 2), a);
    assertEquals("255.255.255.255", Ipv4Address.parse("255.255.255.255").toString());
    assertEquals(Ipv4Address.ANY, Ipv4Address.parse("0.0.0.0"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..2.3", "1.2.3.", ".1.2.3",
          "a.b.c.d", " 1.2.3.4", "1.2.3.4 ", "1.2.3.-4", "1234.1.1.1", "1.2.3.4/24", "0x1.2.3.4"})
  void rfc1123_rejectsAnythingButADottedQuadQuotingTheText(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(text));
    assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
  }

  @Test
  void rejectsNull() {
    assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(null));
  }

  @Test
  void comparesUnsigned() {
    assertTrue(Ipv4Address.parse("10.0.0.1").compareTo(Ipv4Address.parse("192.0.2.1")) < 0);
    assertTrue(Ipv4Address.parse("255.0.0.0").compareTo(Ipv4Address.parse("127.0.0.1")) > 0);
  }

  @Test
  void classifiesSpecialAddresses() {
    assertTrue(Ipv4Address.BROADCAST.isLimitedBroadcast());
    assertTrue(Ipv4Address.parse("224.0.0.1").isMulticast());
    assertTrue(Ipv4Address.parse("127.1.2.3").isLoopback());
    assertTrue(Ipv4Address.ANY.isAny());
  }

  @Test
  void readsAndWritesNetworkByteOrder() {
    ByteBuf buf = Unpooled.buffer(8).writeZero(8);
    Ipv4Address.parse("192.0.2.9").writeTo(buf, 2);
    assertEquals((byte) 192, buf.getByte(2));
    assertEquals((byte) 9, buf.getByte(5));
    assertEquals(Ipv4Address.parse("192.0.2.9"), Ipv4Address.readFrom(buf, 2));
    buf.release();
  }
}
