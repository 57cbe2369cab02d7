package io.morgana.xen.sim;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.Multibinds;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.store.sim.SimXenStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;

/**
 * Binds {@link XenPlatform} to a guest of the simulated hypervisor, all in this JVM on the
 * kernel's loop: the Xen target on a machine without Xen. It creates a {@link SimHypervisor}
 * with a XenStore ({@link SimXenStore}), dom0 and the guest (domid {@value #GUEST_DOMID}) with its
 * primary console, as the toolstack does, then starts every {@link SimBackend} the component's
 * modules contribute in dom0 (the console's {@code SimulatedXenConsoleBackendModule} prints the
 * guest's console to standard output). Both domains are closed by the {@link Lifecycle}, after
 * whatever the drivers and backends registered later.
 *
 * <p>Its swap is {@link io.morgana.xen.linux.LinuxXenPlatformModule}: the same component with
 * that module instead drives the real devices of a Linux Xen guest. Needs {@link EventLoop} and
 * {@link Lifecycle} bound in the component.
 */
@Module(includes = BootKeysModule.class)
public abstract class SimulatedXenPlatformModule {

  /** The guest's domid. */
  public static final int GUEST_DOMID = 1;

  /** How long the simulated XenStore client waits for a reply (the server answers at once). */
  static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private SimulatedXenPlatformModule() {}

  /** The backends to start in dom0; none unless a device module contributes one. */
  @Multibinds
  abstract Set<SimBackend> backends();

  /**
   * Creates the simulated machine and starts the backends.
   *
   * @throws IllegalStateException wrapping what a backend threw
   */
  @Provides
  @Singleton
  static SimulatedXen simulatedXen(EventLoop loop, Lifecycle lifecycle, Set<SimBackend> backends) {
    SimHypervisor hypervisor = new SimHypervisor();
    hypervisor.plugStore(new SimXenStore().inJvmConnector(STORE_TIMEOUT));
    SimDomain dom0 = hypervisor.createDomain(0, loop);
    lifecycle.onShutdown(dom0);
    SimDomain guest = hypervisor.createDomain(GUEST_DOMID, loop);
    lifecycle.onShutdown(guest);
    hypervisor.createPrimaryConsole(guest, dom0);
    SimulatedXen xen = new SimulatedXen(hypervisor, dom0, guest);
    for (SimBackend backend : backends) {
      try {
        backend.start(xen, lifecycle);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("a simulated Xen backend failed to start: " + e.getMessage(), e);
      }
    }
    return xen;
  }

  /** The guest's platform. */
  @Provides
  static XenPlatform platform(SimulatedXen xen) {
    return xen.guest();
  }
}
