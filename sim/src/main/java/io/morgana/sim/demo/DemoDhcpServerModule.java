package io.morgana.sim.demo;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Ipv4Cidr;
import io.morgana.net.dhcp.DhcpServerModule;
import io.morgana.net.dhcp.StackDhcpServer;
import io.morgana.net.dhcp.server.BlockLeaseStore;
import io.morgana.net.dhcp.server.LeaseStore;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.sim.SimHost;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The DHCP server of the demo: {@link DhcpServerModule}'s keys except {@code --lease-db}; its
 * leases in a {@link BlockLeaseStore} on the simulated disk, its wall clock the kernel's. With
 * {@code --forget-leases} it is the deliberately broken server the explorer must catch: it keeps
 * no store, so a restart forgets every lease.
 */
@Module(includes = BootKeysModule.class)
public final class DemoDhcpServerModule {

  /** {@code --forget-leases}: the bug. */
  public static final BootKey<Boolean> FORGET_LEASES =
      BootKey.flag("forget-leases", "keep no lease store (a deliberately broken server, for the explorer)");

  private DemoDhcpServerModule() {}

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    Set<BootKey<?>> keys = new HashSet<>(DhcpServerModule.KEYS);
    keys.remove(DhcpServerModule.LEASE_DB);
    keys.add(FORGET_LEASES);
    return keys;
  }

  @Provides
  @Singleton
  static StackDhcpServer server(TcpipStack stack, EventLoop loop, BootArguments args, Lifecycle lifecycle, SimHost host) {
    Ipv4Cidr address = stack.ip().address().orElseThrow(
        () -> new IllegalArgumentException("a DHCP server needs a static address: give --ipv4=ADDRESS/PREFIX"));
    Optional<LeaseStore> store = args.get(FORGET_LEASES) ? Optional.empty() : Optional.of(new BlockLeaseStore(host.disk()));
    try {
      StackDhcpServer s = new StackDhcpServer(stack, loop, DhcpServerModule.pool(args, address), store, host.wallClock());
      lifecycle.onShutdown(s);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lease store on " + host.disk(), e);
    }
  }
}
