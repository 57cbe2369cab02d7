package io.morgana.net.tcpip.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import org.junit.jupiter.api.Test;

class AddressCacheTest {

  @Test
  void repeatedLookupsReturnTheSameInstance() {
    AddressCache c = new AddressCache();
    Ipv4Address a = c.ipv4(0xc0000202);
    assertSame(a, c.ipv4(0xc0000202));
    assertEquals(Ipv4Address.parse("192.0.2.2"), a);
    MacAddress m = c.mac(0x0200_0000_0001L);
    assertSame(m, c.mac(0x0200_0000_0001L));
    assertSame(MacAddress.BROADCAST, c.mac(0xffff_ffff_ffffL));
  }

  @Test
  void collisionsReplaceButStayCorrect() {
    AddressCache c = new AddressCache();
    for (int i = 0; i < 10_000; i++) {
      assertEquals(i, c.ipv4(i).toInt());
      assertEquals(i * 7L, c.mac(i * 7L).toLong());
    }
  }
}
