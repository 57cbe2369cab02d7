package io.morgana.examples.website.appliance.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.net.dhcp.DhcpClientModule;
import io.morgana.net.dhcp.DhcpLeases;
import io.morgana.net.dhcp.client.DhcpClient;
import io.morgana.net.dhcp.client.DhcpLease;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The appliance's URL host: the static address, or the leased one once DHCP has bound it. */
class ApplianceTargetModuleTest {

  /** Leases a test hands out by hand. */
  static final class Leases implements DhcpLeases {
    final List<DhcpClient.Listener> listeners = new ArrayList<>();
    Optional<DhcpLease> current = Optional.empty();

    @Override
    public Optional<DhcpLease> lease() {
      return current;
    }

    @Override
    public void addListener(DhcpClient.Listener listener) {
      listeners.add(listener);
    }

    void change(Optional<DhcpLease> lease) {
      current = lease;
      listeners.forEach(l -> l.onLease(lease));
    }
  }

  private static DhcpLease lease(String cidr) {
    return new DhcpLease(Ipv4Cidr.parse(cidr), Optional.empty(), List.of(), Optional.empty(), Ipv4Address.parse("192.0.2.2"),
        86_400, 0, 0, 0, OptionalInt.empty(), List.of());
  }

  private static BootArguments args(String... argv) throws Exception {
    List<BootKey<?>> keys = new ArrayList<>(StaticIpv4Module.KEYS);
    keys.addAll(DhcpClientModule.KEYS);
    keys.add(ApplianceTargetModule.PORT);
    return BootArguments.parse(keys, argv);
  }

  @Test
  void withDhcp_theUrlWaitsForTheFirstBoundLease_andNamesItsAddress() throws Exception {
    Leases leases = new Leases();
    CompletableFuture<String> host = ApplianceTargetModule.host(args("--dhcp"), () -> leases).whenKnown().toCompletableFuture();
    assertFalse(host.isDone(), "no lease yet: nothing to print");
    leases.change(Optional.empty());
    assertFalse(host.isDone(), "a lost lease is no address");
    leases.change(Optional.of(lease("192.0.2.15/24")));
    assertEquals("192.0.2.15", host.getNow(null));
    leases.change(Optional.of(lease("192.0.2.16/24")));
    assertEquals("192.0.2.15", host.getNow(null), "printed once, for the first lease");
  }

  @Test
  void withDhcp_aLeaseAlreadyBound_isTheHostAtOnce() throws Exception {
    Leases leases = new Leases();
    leases.current = Optional.of(lease("192.0.2.15/24"));
    assertEquals("192.0.2.15", ApplianceTargetModule.host(args("--dhcp"), () -> leases).whenKnown().toCompletableFuture().getNow(null));
  }

  @Test
  void withAStaticAddress_theHostIsItsAddress_andNoLeaseIsAskedFor() throws Exception {
    assertEquals("192.0.2.7", ApplianceTargetModule.host(args("--ipv4=192.0.2.7/24"), () -> {
      throw new AssertionError("no DHCP client without --dhcp");
    }).whenKnown().toCompletableFuture().getNow(null));
  }
}
