package io.morgana.net.socket;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/** Conversions between Morgana's {@link Ipv4Address}/{@link Endpoint} and {@code java.net} addresses. */
final class SocketAddresses {

  private SocketAddresses() {}

  static InetAddress inet(Ipv4Address address) {
    try {
      return InetAddress.getByAddress(address.toBytes());
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }

  static InetSocketAddress inet(Endpoint endpoint) {
    return new InetSocketAddress(inet(endpoint.address()), endpoint.port());
  }

  /** The IPv4 endpoint of a socket address; {@code 0.0.0.0:0} for anything that is not IPv4. */
  static Endpoint endpoint(SocketAddress address) {
    if (address instanceof InetSocketAddress isa && isa.getAddress() instanceof Inet4Address a) {
      return new Endpoint(Ipv4Address.of(a.getAddress()), isa.getPort());
    }
    if (address instanceof InetSocketAddress isa && isa.getAddress() != null) {
      byte[] b = isa.getAddress().getAddress();
      if (b.length == 16 && isV4Mapped(b)) {
        return new Endpoint(Ipv4Address.of(new byte[] {b[12], b[13], b[14], b[15]}), isa.getPort());
      }
    }
    return new Endpoint(Ipv4Address.ANY, 0);
  }

  /** The address as a 32-bit integer, most significant byte first; 0 for anything but IPv4. */
  static int bits(InetAddress address) {
    byte[] b = address.getAddress();
    int o = b.length == 16 && isV4Mapped(b) ? 12 : 0;
    if (b.length != 4 && o == 0) {
      return 0;
    }
    return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
