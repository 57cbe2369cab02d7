package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Text round trips and ordering of the address value types, for any value. */
class ValueTypeProperties {

  @Property
  void ipv4AddressTextRoundTrips(@ForAll int bits) {
    Ipv4Address a = Ipv4Address.of(bits);
    assertEquals(a, Ipv4Address.parse(a.toString()));
    assertEquals(a, Ipv4Address.of(a.toBytes()));
  }

  @Property
  void ipv4AddressOrderIsUnsignedOrder(@ForAll int x, @ForAll int y) {
    assertEquals(
        Integer.signum(Integer.compareUnsigned(x, y)),
        Integer.signum(Ipv4Address.of(x).compareTo(Ipv4Address.of(y))));
  }

  @Property
  void macAddressTextRoundTrips(@ForAll @LongRange(min = 0, max = 0xffff_ffff_ffffL) long bits) {
    MacAddress m = MacAddress.of(bits);
    assertEquals(m, MacAddress.parse(m.toString()));
    assertEquals(m, MacAddress.of(m.toBytes()));
  }

  @Property
  void cidrTextRoundTripsAndContainsItsNetwork(@ForAll int bits, @ForAll @IntRange(min = 0, max = 32) int prefix) {
    Ipv4Cidr c = new Ipv4Cidr(Ipv4Address.of(bits), prefix);
    assertEquals(c, Ipv4Cidr.parse(c.toString()));
    assertEquals(true, c.contains(c.network()));
    assertEquals(true, c.contains(c.broadcast()));
  }

  @Property
  void parsingArbitraryTextFailsOnlyWithIllegalArgument(@ForAll String text) {
    for (Runnable parse :
        new Runnable[] {() -> Ipv4Address.parse(text), () -> MacAddress.parse(text), () -> Ipv4Cidr.parse(text)}) {
      try {
        parse.run();
      } catch (IllegalArgumentException expected) {
        // the only failure allowed
      }
    }
  }
}
