package io.morgana.net.socket;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import jakarta.inject.Singleton;

/**
 * Binds {@link Tcp} and {@link Udp} to one {@link SocketStack} over the host's sockets (MirageOS's
 * socket stack: development without root, a TAP device or Xen). Listeners and UDP ports bind to
 * {@code --listen=ADDRESS} (default 127.0.0.1); connections go wherever the host routes them.
 * The component supplies the {@link EventLoop} (UDP handlers run on it) and may bind a {@link
 * Lifecycle}, which then closes the stack's sockets at shutdown.
 *
 * <pre>{@code
 * @Singleton
 * @Component(modules = {EchoModule.class, SocketStackModule.class})
 * interface SocketKernel extends KernelComponent { ... }
 * }</pre>
 */
@Module(includes = BootKeysModule.class)
public abstract class SocketStackModule {

  /** {@code --listen=ADDRESS}. */
  public static final BootKey<Ipv4Address> LISTEN = BootKey.of(
      "listen", "host IPv4 address that listeners and UDP ports bind to (0.0.0.0: every address)",
      Ipv4Address.LOOPBACK, Ipv4Address::parse);

  /** The keys this module reads. */
  public static final List<BootKey<?>> KEYS = List.of(LISTEN);

  private SocketStackModule() {}

  /** Contributes {@link #KEYS} to the component's boot keys. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  @dagger.BindsOptionalOf
  abstract Lifecycle lifecycle();

  /** The stack, closed with the kernel when the component has a {@link Lifecycle}. */
  @Provides
  @Singleton
  static SocketStack stack(BootArguments args, EventLoop loop, Optional<Lifecycle> lifecycle) {
    SocketStack stack = new SocketStack(args.get(LISTEN), loop);
    lifecycle.ifPresent(l -> l.onShutdown(stack));
    return stack;
  }

  @Provides
  static Tcp tcp(SocketStack stack) {
    return stack.tcp();
  }

  @Provides
  static Udp udp(SocketStack stack) {
    return stack.udp();
  }
}
