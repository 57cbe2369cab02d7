package io.morgana.examples.hello;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.console.xen.SimulatedXenConsoleBackendModule;
import io.morgana.console.xen.XenConsoleModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.sim.SimulatedXenPlatformModule;
import jakarta.inject.Singleton;

/**
 * Hello as a Xen guest: the console is the domain's primary Xen PV console ({@link
 * XenConsoleModule}). These machines have no Xen, so the platform is the simulated hypervisor
 * ({@link SimulatedXenPlatformModule}) with its console backend in dom0 printing to standard
 * output ({@link SimulatedXenConsoleBackendModule}). In a Linux Xen guest the platform module
 * would be {@code LinuxXenPlatformModule} instead — a different component, the same application.
 * (A JVM in a real Linux guest cannot reach its primary console from user space, though: the
 * kernel owns it as {@code /dev/hvc0}.)
 */
@Singleton
@Component(
    modules = {
      HelloModule.class,
      XenConsoleModule.class,
      SimulatedXenPlatformModule.class,
      SimulatedXenConsoleBackendModule.class
    })
interface XenKernel extends KernelComponent {

  /** What {@link io.morgana.runtime.Kernel} provides. */
  @Component.Factory
  interface Factory {
    XenKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
