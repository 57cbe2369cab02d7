package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

  @Test
  void parsesColonAndHyphenFormsInAnyCase() {
    MacAddress m = MacAddress.parse("02:00:5E:10:00:01");
    assertEquals(0x0200_5e10_0001L, m.toLong());
    assertEquals("02:00:5e:10:00:01", m.toString());
    assertEquals(m, MacAddress.parse("02-00-5e-10-00-01"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "02:00:5e:10:00", "02:00:5e:10:00:01:02", "02:00-5e:10:00:01",
      "0g:00:5e:10:00:01", "02.00.5e.10.00.01", "0200:5e10:0001", "02:00:5e:10:00:1 "})
  void rejectsMalformedTextQuotingIt(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
    assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
  }

  @Test
  void rfc7042_randomLocalAddressIsUnicastAndLocallyAdministered() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 1000; i++) {
      MacAddress m = MacAddress.randomLocal(random);
      assertTrue(m.isLocallyAdministered(), m.toString());
      assertFalse(m.isMulticast(), m.toString());
    }
  }

  @Test
  void broadcastIsMulticast() {
    assertTrue(MacAddress.BROADCAST.isBroadcast());
    assertTrue(MacAddress.BROADCAST.isMulticast());
    assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.BROADCAST.toString());
  }

  @Test
  void readsAndWritesSixBytes() {
    ByteBuf buf = Unpooled.buffer(10).writeZero(10);
    MacAddress m = MacAddress.parse("de:ad:be:ef:00:01");
    m.writeTo(buf, 3);
    assertEquals((byte) 0xde, buf.getByte(3));
    assertEquals((byte) 0x01, buf.getByte(8));
    assertEquals(0, buf.getByte(9));
    assertEquals(m, MacAddress.readFrom(buf, 3));
    assertEquals(m, MacAddress.of(m.toBytes()));
    buf.release();
  }

  @ParameterizedTest
  @ValueSource(strings = {"01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "03:00:00:00:00:01"})
  void ieee802_groupOrZeroAddressIsNoStationAddress(String text) {
    assertFalse(MacAddress.parse(text).isStationAddress());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parseStationAddress(text));
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"02:00:5e:10:00:02", "00:16:3e:00:00:01", "fe:ff:ff:ff:ff:ff"})
  void ieee802_unicastNonZeroAddressIsAStationAddress(String text) {
    assertTrue(MacAddress.parse(text).isStationAddress());
    assertEquals(MacAddress.parse(text), MacAddress.parseStationAddress(text));
  }
}
