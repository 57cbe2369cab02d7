package io.morgana.net.dhcp.server;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a server hands out: addresses {@code first}–{@code last} of {@code network}, the options
 * that go with them, lease times, and static reservations by hardware address (which may lie
 * outside the range, but inside the network).
 *
 * @param serverId the server's own address (option 54), on {@code network}
 * @param network the subnet (its prefix gives option 1)
 * @param first first dynamic address
 * @param last last dynamic address
 * @param router option 3, if any
 * @param dnsServers option 6
 * @param domainName option 15, if any
 * @param defaultLease the lease time given when the client asks for none
 * @param maxLease the longest lease time given
 * @param reservations fixed addresses by hardware address
 */
public record DhcpPool(
    Ipv4Address serverId,
    Ipv4Cidr network,
    Ipv4Address first,
    Ipv4Address last,
    Optional<Ipv4Address> router,
    List<Ipv4Address> dnsServers,
    Optional<String> domainName,
    Duration defaultLease,
    Duration maxLease,
    Map<MacAddress, Ipv4Address> reservations) {

  public DhcpPool {
    dnsServers = List.copyOf(dnsServers);
    reservations = Map.copyOf(reservations);
    Ipv4Cidr net = new Ipv4Cidr(network.network(), network.prefixLength());
    if (!net.contains(first) || !net.contains(last) || Integer.compareUnsigned(first.toInt(), last.toInt()) > 0) {
      throw new IllegalArgumentException("range " + first + "-" + last + " is not inside " + network);
    }
    if (!net.contains(serverId)) {
      throw new IllegalArgumentException("server address " + serverId + " is not on " + network);
    }
    router.ifPresent(r -> {
      if (!net.contains(r)) {
        throw new IllegalArgumentException("router " + r + " is not on " + network);
      }
    });
    for (Map.Entry<MacAddress, Ipv4Address> e : reservations.entrySet()) {
      if (!net.contains(e.getValue())) {
        throw new IllegalArgumentException("reservation " + e.getValue() + " for " + e.getKey() + " is not on " + network);
      }
    }
    if (defaultLease.toSeconds() < 1 || maxLease.compareTo(defaultLease) < 0) {
      throw new IllegalArgumentException("lease times: default " + defaultLease + ", maximum " + maxLease);
    }
  }

  /**
   * A pool on the server's network ({@code server}: its address and prefix) for {@code
   * first}–{@code last}, one-hour leases (at most a day), the server as router, no DNS.
   */
  public static DhcpPool of(Ipv4Cidr server, Ipv4Address first, Ipv4Address last) {
    return new DhcpPool(server.address(), server, first, last, Optional.empty(), List.of(), Optional.empty(),
        Duration.ofHours(1), Duration.ofDays(1), Map.of());
  }

  /** Parses {@code A-B}, as {@code --dhcp-range} takes it. */
  public static Ipv4Address[] parseRange(String text) {
    int dash = text.indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException("expected FIRST-LAST, got '" + text + "'");
    }
    return new Ipv4Address[] {Ipv4Address.parse(text.substring(0, dash).trim()), Ipv4Address.parse(text.substring(dash + 1).trim())};
  }

  public DhcpPool withRouter(Optional<Ipv4Address> r) {
    return new DhcpPool(serverId, network, first, last, r, dnsServers, domainName, defaultLease, maxLease, reservations);
  }

  public DhcpPool withDns(List<Ipv4Address> dns) {
    return new DhcpPool(serverId, network, first, last, router, dns, domainName, defaultLease, maxLease, reservations);
  }

  public DhcpPool withDomain(Optional<String> domain) {
    return new DhcpPool(serverId, network, first, last, router, dnsServers, domain, defaultLease, maxLease, reservations);
  }

  public DhcpPool withLeases(Duration dflt, Duration max) {
    return new DhcpPool(serverId, network, first, last, router, dnsServers, domainName, dflt, max, reservations);
  }

  public DhcpPool withReservations(Map<MacAddress, Ipv4Address> r) {
    return new DhcpPool(serverId, network, first, last, router, dnsServers, domainName, defaultLease, maxLease, r);
  }

  /** Whether {@code a} is in the dynamic range. */
  public boolean inRange(Ipv4Address a) {
    int x = a.toInt();
    return Integer.compareUnsigned(x, first.toInt()) >= 0 && Integer.compareUnsigned(x, last.toInt()) <= 0;
  }

  /** Whether {@code a} may be leased at all: in the range or reserved, never the server, network or broadcast. */
  public boolean leasable(Ipv4Address a) {
    return (inRange(a) || reservations.containsValue(a))
        && !a.equals(serverId)
        && !a.equals(network.network())
        && !a.equals(network.broadcast())
        && router.map(r -> !r.equals(a)).orElse(true);
  }
}
