package io.morgana.testkit;

import dagger.Module;
import dagger.Provides;
import io.morgana.api.Netif;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * Binds {@link Netif} to a port of an in-memory {@link EthernetSwitch} on the component's {@link
 * EventLoop}: the test counterpart of {@code TapNetifModule}. A test component lists this module
 * where the target lists the TAP one, and exposes the switch ({@code EthernetSwitch ethernet();})
 * so that the test can attach its own ports — a client stack, a {@link PcapNetif} — to the same
 * link:
 *
 * <pre>{@code
 * @Singleton
 * @Component(modules = {NotesModule.class, SwitchNetifModule.class, TcpipStackModule.class,
 *     StaticIpv4Module.class, FatRamDiskModule.class, FatFsModule.class})
 * interface TestKernel extends KernelComponent {
 *   EthernetSwitch ethernet();
 *   ...
 * }
 * }</pre>
 *
 * The switch is created with the component (one per component, {@link EthernetSwitch#DEFAULT_SEED}
 * MAC addresses, so runs repeat) and closed by its {@link Lifecycle}. Reads no boot arguments.
 */
@Module
public final class SwitchNetifModule {

  private SwitchNetifModule() {}

  /** The switch the kernel's port is on. */
  @Provides
  @Singleton
  static EthernetSwitch ethernetSwitch(EventLoop loop, Lifecycle lifecycle) {
    EthernetSwitch ethernet = new EthernetSwitch(loop);
    lifecycle.onShutdown(ethernet);
    return ethernet;
  }

  /** The kernel's own port: the first port of the switch. */
  @Provides
  @Singleton
  static Netif netif(EthernetSwitch ethernet) {
    return ethernet.newPort();
  }
}
