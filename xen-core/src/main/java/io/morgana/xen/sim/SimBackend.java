package io.morgana.xen.sim;

import io.morgana.runtime.Lifecycle;

/**
 * A device backend that {@link SimulatedXenPlatformModule} starts in dom0 of the simulated
 * hypervisor when it creates the guest's platform — what the toolstack and dom0's daemons
 * ({@code xenconsoled}, netback, blkback) are to a real guest. Device modules contribute one
 * with {@code @Provides @IntoSet} (the console's {@code SimulatedXenConsoleBackendModule}).
 */
@FunctionalInterface
public interface SimBackend {

  /**
   * Sets the backend up for {@code xen}'s guest, registering with {@code lifecycle} what must be
   * closed at shutdown. Runs on the thread that creates the platform (the kernel loop).
   */
  void start(SimulatedXen xen, Lifecycle lifecycle) throws Exception;
}
