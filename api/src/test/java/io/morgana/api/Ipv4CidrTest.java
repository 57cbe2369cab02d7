package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4CidrTest {

  @Test
  void rfc4632_derivesNetworkMaskAndBroadcast() {
    Ipv4Cidr c = Ipv4Cidr.parse("192.0.2.2/24");
    assertEquals(Ipv4Address.parse("192.0.2.2"), c.address());
    assertEquals(24, c.prefixLength());
    assertEquals(Ipv4Address.parse("255.255.255.0"), c.netmask());
    assertEquals(Ipv4Address.parse("192.0.2.0"), c.network());
    assertEquals(Ipv4Address.parse("192.0.2.255"), c.broadcast());
    assertTrue(c.contains(Ipv4Address.parse("192.0.2.200")));
    assertFalse(c.contains(Ipv4Address.parse("192.0.3.1")));
    assertEquals("192.0.2.2/24", c.toString());
  }

  @Test
  void edgePrefixLengths() {
    Ipv4Cidr all = Ipv4Cidr.parse("192.0.2.2/0");
    assertEquals(Ipv4Address.ANY, all.netmask());
    assertTrue(all.contains(Ipv4Address.parse("8.8.8.8")));
    Ipv4Cidr host = Ipv4Cidr.parse("192.0.2.2/32");
    assertEquals(Ipv4Address.BROADCAST, host.netmask());
    assertFalse(host.contains(Ipv4Address.parse("192.0.2.3")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "192.0.2.2", "192.0.2.2/", "192.0.2.2/33", "192.0.2.2/-1", "192.0.2/24",
      "192.0.2.2/24/1", "192.0.2.2/024", "192.0.2.2/ 24", "/24", "192.0.2.2/a"})
  void rejectsMalformedTextQuotingIt(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse(text));
    assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
  }
}
