package io.morgana.net.tap;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Binds {@link Netif} to a {@link TapNetif} configured by the boot arguments {@link #NET}, {@link
 * #MAC} and {@link #OFFLOAD}, opened on the kernel's {@link EventLoop} and closed by its {@link
 * Lifecycle}.
 *
 * <p>Contributes {@link #KEYS} to the component's boot keys. Needs {@link BootArguments}, {@link
 * EventLoop} and {@link Lifecycle} from the component ({@code @BindsInstance}). Opening the device
 * happens when the component first needs the {@code Netif}; a missing {@code /dev/net/tun} or
 * missing {@code CAP_NET_ADMIN} is a {@link TapUnavailableException} then, which {@code Kernel}
 * reports and turns into exit status 1.
 */
@Module(includes = BootKeysModule.class)
public abstract class TapNetifModule {

  /**
   * {@code --net=tap:NAME}: the TAP interface to attach to, created if it does not exist; the
   * value is the interface name.
   */
  public static final BootKey<String> NET =
      BootKey.of(
          "net",
          "network device, written tap:NAME: attach to the TAP interface NAME, creating it if"
              + " needed; the default is the interface",
          "tap0",
          TapConfig::parseNet);

  /** {@code --mac=02:00:5e:10:00:01}: Morgana's MAC address on the link (default random). */
  public static final BootKey<Optional<MacAddress>> MAC =
      BootKey.optional(
          "mac",
          "Morgana's MAC address on the TAP link; a random locally administered one when absent",
          TapConfig::parseMac);

  /**
   * {@code --tap-offload}: open the TAP with {@code IFF_VNET_HDR}: checksum and TCP/IPv4
   * segmentation offloads both ways (see {@link TapNetif}); off by default.
   */
  public static final BootKey<Boolean> OFFLOAD =
      BootKey.flag(
          "tap-offload",
          "open the TAP with IFF_VNET_HDR: frames with partial checksums and TCP/IPv4 segments of"
              + " up to 64 KiB both ways (TUN_F_CSUM, TUN_F_TSO4)");

  /** The boot keys this module reads, to add to the kernel's list. */
  public static final List<BootKey<?>> KEYS = List.of(NET, MAC, OFFLOAD);

  private TapNetifModule() {}

  /** Contributes {@link #KEYS} to the component's boot keys: a component with this module accepts them. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  @Binds
  abstract Netif netif(TapNetif tap);

  @Provides
  @Singleton
  static TapConfig config(BootArguments arguments) {
    return new TapConfig(arguments.get(NET), arguments.get(MAC), arguments.get(OFFLOAD));
  }

  @Provides
  @Singleton
  static TapNetif tap(TapConfig config, EventLoop loop, Lifecycle lifecycle) {
    TapNetif tap = TapNetif.open(config, loop);
    lifecycle.onShutdown(tap);
    return tap;
  }
}
