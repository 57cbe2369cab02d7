package io.morgana.net.tcpip.internal;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.netty.buffer.ByteBuf;

/**
 * Direct-mapped caches of {@link Ipv4Address} and {@link MacAddress} instances for recently seen
 * peers, so that handing addresses to api handlers does not allocate per packet in steady
 * traffic. A miss replaces the slot; equal addresses may come back as different instances.
 */
public final class AddressCache {

  private static final int SLOTS = 256;

  private final Ipv4Address[] ipv4 = new Ipv4Address[SLOTS];
  private final MacAddress[] mac = new MacAddress[SLOTS];

  /** The address with value {@code bits}, from the cache when present. */
  public Ipv4Address ipv4(int bits) {
    int slot = mix(bits) & (SLOTS - 1);
    Ipv4Address a = ipv4[slot];
    if (a == null || a.toInt() != bits) {
      a = Ipv4Address.of(bits);
      ipv4[slot] = a;
    }
    return a;
  }

  /** The address stored at absolute {@code index} of {@code buf}. */
  public Ipv4Address ipv4(ByteBuf buf, int index) {
    return ipv4(buf.getInt(index));
  }

  /** The MAC address with 48-bit value {@code bits}, from the cache when present. */
  public MacAddress mac(long bits) {
    if (bits == 0xffff_ffff_ffffL) {
      return MacAddress.BROADCAST;
    }
    int slot = mix((int) (bits ^ (bits >>> 32))) & (SLOTS - 1);
    MacAddress m = mac[slot];
    if (m == null || m.toLong() != bits) {
      m = MacAddress.of(bits);
      mac[slot] = m;
    }
    return m;
  }

  /** Remembers {@code address} so that later lookups return this instance. */
  public void remember(Ipv4Address address) {
    ipv4[mix(address.toInt()) & (SLOTS - 1)] = address;
  }

  /** Remembers {@code address} so that later lookups return this instance. */
  public void remember(MacAddress address) {
    long bits = address.toLong();
    mac[mix((int) (bits ^ (bits >>> 32))) & (SLOTS - 1)] = address;
  }

  private static int mix(int h) {
    h *= 0x9e37_79b9;
    return h ^ (h >>> 16);
  }
}
