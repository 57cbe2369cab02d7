package io.morgana.net.packet;

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
 * Binds {@link Netif} to a {@link PacketNetif} configured by the boot arguments {@link #NET},
 * {@link #MAC} and {@link #RING}, opened on the kernel's {@link EventLoop} and closed by its {@link Lifecycle}.
 *
 * <p>Contributes {@link #KEYS} to the component's boot keys. Needs {@link BootArguments}, {@link
 * EventLoop} and {@link Lifecycle} from the component ({@code @BindsInstance}). The interface is
 * taken over when the component first needs the {@code Netif}; a missing interface, a host
 * address on it or a missing {@code CAP_NET_RAW} is a {@link PacketUnavailableException} then,
 * which {@code Kernel} reports and turns into exit status 1.
 */
@Module(includes = BootKeysModule.class)
public abstract class PacketNetifModule {

  /**
   * {@code --net=packet:IFACE}: the network interface Morgana owns through an {@code AF_PACKET}
   * socket; the value is the interface name.
   */
  public static final BootKey<String> NET =
      BootKey.of(
          "net",
          "network device, written packet:IFACE: own the interface IFACE (up, with no host"
              + " address) through an AF_PACKET socket; the default is the interface",
          "eth0",
          PacketConfig::parseNet);

  /** {@code --mac=02:00:5e:10:00:01}: Morgana's MAC address on the link (default: the interface's). */
  public static final BootKey<Optional<MacAddress>> MAC =
      BootKey.optional(
          "mac",
          "Morgana's MAC address on the link; the interface's own when absent (another address"
              + " makes the interface promiscuous)",
          PacketConfig::parseMac);

  /**
   * {@code --packet-ring=v2|v3}: the ring format (see {@link TpacketVersion}); v2 by default, since a
   * TPACKET_V3 block is handed over only when full or when its retire timer fires, which adds up to
   * a millisecond to every received frame on a quiet link (libpcap's immediate mode uses V2 for the
   * same reason).
   */
  public static final BootKey<TpacketVersion> RING =
      BootKey.of(
          "packet-ring",
          "ring format of the packet socket: v2 (a slot per frame, no wait: request/response latency)"
              + " or v3 (blocks, fewest wake-ups; a received frame may wait up to 1 ms)",
          TpacketVersion.V2,
          TpacketVersion::parse);

  /** The boot keys this module reads, to add to the kernel's list. */
  public static final List<BootKey<?>> KEYS = List.of(NET, MAC, RING);

  private PacketNetifModule() {}

  /** Contributes {@link #KEYS} to the component's boot keys. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  @Binds
  abstract Netif netif(PacketNetif packet);

  @Provides
  @Singleton
  static PacketConfig config(BootArguments arguments) {
    return new PacketConfig(
        arguments.get(NET), arguments.get(MAC), arguments.get(RING), PacketConfig.DEFAULT_RETIRE_TIMEOUT_MILLIS);
  }

  @Provides
  @Singleton
  static PacketNetif packet(PacketConfig config, EventLoop loop, Lifecycle lifecycle) {
    PacketNetif netif = PacketNetif.open(config, loop);
    lifecycle.onShutdown(netif);
    return netif;
  }
}
