package io.morgana.net.dhcp.client;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.net.dhcp.wire.ClasslessRoute;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A lease the client holds: the address with its prefix, what the server said about the network,
 * and when it must be renewed, rebound and given up (loop-clock nanoseconds; {@link Long#MAX_VALUE}
 * for an infinite lease).
 *
 * @param address the leased address and the prefix from the subnet mask
 * @param gateway the default gateway (option 121's default route before option 3), on the network
 * @param dnsServers option 6
 * @param domainName option 15
 * @param server the leasing server's identifier (option 54)
 * @param leaseSeconds option 51 (0xffffffff: infinite)
 * @param renewAtNanos T1
 * @param rebindAtNanos T2
 * @param expiresAtNanos the end of the lease
 * @param mtu option 26
 * @param routes option 121
 */
public record DhcpLease(
    Ipv4Cidr address,
    Optional<Ipv4Address> gateway,
    List<Ipv4Address> dnsServers,
    Optional<String> domainName,
    Ipv4Address server,
    long leaseSeconds,
    long renewAtNanos,
    long rebindAtNanos,
    long expiresAtNanos,
    OptionalInt mtu,
    List<ClasslessRoute> routes) {

  /** RFC 2132 §9.2: a lease time of 0xffffffff never expires. */
  public static final long INFINITE = 0xffff_ffffL;

  public DhcpLease {
    dnsServers = List.copyOf(dnsServers);
    routes = List.copyOf(routes);
  }
}
