package io.morgana.net.dhcp;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Ipv4Address;
import io.morgana.net.dhcp.client.DhcpClient;
import io.morgana.net.tcpip.DynamicIpv4;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The DHCP client for a {@link io.morgana.net.tcpip.TcpipStack}: with {@code --dhcp} the stack,
 * built unconfigured (no {@code --ipv4}), gets its address, prefix and gateway from a lease, and
 * loses them when the lease ends. Binds {@link DynamicIpv4} (which the stack attaches) and {@link
 * DhcpLeases} (for applications that want the lease or its changes). The component needs an
 * {@link io.morgana.net.tcpip.Ipv4Config} besides: {@link Ipv4ConfigModule} puts the two together.
 */
@Module(includes = BootKeysModule.class)
public final class DhcpClientModule {

  /** {@code --dhcp}. */
  public static final BootKey<Boolean> DHCP =
      BootKey.flag("dhcp", "configure IPv4 with DHCP (RFC 2131) instead of --ipv4");

  /** {@code --dhcp-hostname=NAME}. */
  public static final BootKey<Optional<String>> DHCP_HOSTNAME =
      BootKey.optional("dhcp-hostname", "host name to send in DHCP requests (option 12)", s -> s);

  /** {@code --dhcp-address=A}: INIT-REBOOT with this address. */
  public static final BootKey<Optional<Ipv4Address>> DHCP_ADDRESS =
      BootKey.optional("dhcp-address", "an address leased before, to ask for first (INIT-REBOOT)", Ipv4Address::parse);

  /** {@code --dhcp-no-probe}. */
  public static final BootKey<Boolean> DHCP_NO_PROBE =
      BootKey.flag("dhcp-no-probe", "use an acknowledged address without checking it with an ARP probe first");

  /** {@code --dhcp-no-release}. */
  public static final BootKey<Boolean> DHCP_NO_RELEASE =
      BootKey.flag("dhcp-no-release", "keep the lease at shutdown instead of sending a RELEASE");

  /** The keys this module reads. */
  public static final List<BootKey<?>> KEYS = List.of(DHCP, DHCP_HOSTNAME, DHCP_ADDRESS, DHCP_NO_PROBE, DHCP_NO_RELEASE);

  private DhcpClientModule() {}

  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  @Provides
  @Singleton
  static StackDhcpClient client(BootArguments args, EventLoop loop, Lifecycle lifecycle) {
    DhcpClient.Settings settings =
        DhcpClient.Settings.DEFAULTS.withHostName(args.get(DHCP_HOSTNAME)).withArpProbe(!args.get(DHCP_NO_PROBE));
    StackDhcpClient client =
        new StackDhcpClient(loop, settings, args.get(DHCP_ADDRESS), loop.entropy().newGenerator(),
            !args.get(DHCP_NO_RELEASE));
    lifecycle.onShutdown(client);
    return client;
  }

  /**
   * The client's leases. Depends on the stack so that an application asking only for its leases
   * still gets a stack (which attaches the client) built.
   */
  @Provides
  static DhcpLeases leases(StackDhcpClient client, TcpipStack stack) {
    return client;
  }

  @Provides
  static DynamicIpv4 dynamicIpv4(BootArguments args, Provider<StackDhcpClient> client) {
    if (!args.get(DHCP)) {
      return stack -> {};
    }
    return stack -> client.get().attach(stack);
  }
}
