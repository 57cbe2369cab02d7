package io.morgana.net.tcpip;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import java.util.Optional;

/**
 * The IPv4 configuration a {@link TcpipStack} starts with: an interface address with its prefix
 * and a default gateway, either of which may be absent. {@link StaticIpv4Module} provides it
 * from boot arguments; a DHCP client module provides {@link #UNCONFIGURED} and configures the
 * stack later through {@link io.morgana.api.Ip#configure}.
 *
 * @param address the interface address and network, or null
 * @param gateway the default gateway, or null
 */
public record Ipv4Config(Ipv4Cidr address, Ipv4Address gateway) {

  /** No address yet. */
  public static final Ipv4Config UNCONFIGURED = new Ipv4Config(null, null);

  public Ipv4Config {
    if (address == null && gateway != null) {
      throw new IllegalArgumentException("a gateway (" + gateway + ") needs an interface address");
    }
    if (address != null && gateway != null && !address.contains(gateway)) {
      throw new IllegalArgumentException("gateway " + gateway + " is not on the network " + address);
    }
  }

  /** {@code Ipv4Config.of("192.0.2.2/24", "192.0.2.1")}; the gateway may be null. */
  public static Ipv4Config of(String address, String gateway) {
    return new Ipv4Config(Ipv4Cidr.parse(address), gateway == null ? null : Ipv4Address.parse(gateway));
  }

  public Optional<Ipv4Cidr> addressIfAny() {
    return Optional.ofNullable(address);
  }

  public Optional<Ipv4Address> gatewayIfAny() {
    return Optional.ofNullable(gateway);
  }
}
