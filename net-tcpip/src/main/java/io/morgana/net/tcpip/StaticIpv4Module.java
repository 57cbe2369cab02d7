package io.morgana.net.tcpip;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Provides the {@link Ipv4Config} of a {@link TcpipStack} from boot arguments: {@code
 * --ipv4=192.0.2.2/24} (the interface address and prefix) and {@code --ipv4-gateway=192.0.2.1}
 * (the default gateway, on that network). Without {@code --ipv4} the stack starts unconfigured.
 * The module contributes {@link #KEYS} to the component's boot keys itself.
 */
@Module(includes = BootKeysModule.class)
public final class StaticIpv4Module {

  /** {@code --ipv4=ADDRESS/PREFIX}. */
  public static final BootKey<Optional<Ipv4Cidr>> IPV4 =
      BootKey.optional("ipv4", "interface IPv4 address and prefix length, e.g. 192.0.2.2/24", Ipv4Cidr::parse);

  /** {@code --ipv4-gateway=ADDRESS}. */
  public static final BootKey<Optional<Ipv4Address>> IPV4_GATEWAY =
      BootKey.optional("ipv4-gateway", "default IPv4 gateway, e.g. 192.0.2.1", Ipv4Address::parse);

  /** The keys this module reads. */
  public static final List<BootKey<?>> KEYS = List.of(IPV4, IPV4_GATEWAY);

  private StaticIpv4Module() {}

  /** Contributes {@link #KEYS} to the component's boot keys: a component with this module accepts them. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  /**
   * The configuration given on the command line.
   *
   * @throws IllegalArgumentException if a gateway is given without an address or off its network
   */
  @Provides
  static Ipv4Config ipv4Config(BootArguments args) {
    return new Ipv4Config(args.get(IPV4).orElse(null), args.get(IPV4_GATEWAY).orElse(null));
  }
}
