package io.morgana.examples.hello;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.console.xen.XenConsoleModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.platform.XenPlatform;
import jakarta.inject.Singleton;

/**
 * Hello as a Xen guest: the console is the domain's primary Xen PV console ({@link
 * XenConsoleModule}) on whatever {@link XenPlatform} the kernel is given — the simulated
 * hypervisor in {@link HelloXen}.
 */
@Singleton
@Component(modules = {HelloModule.class, XenConsoleModule.class})
interface XenKernel extends KernelComponent {

  /** What {@link io.morgana.runtime.Kernel} provides, plus the Xen platform. */
  @Component.Factory
  interface Factory {
    XenKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle,
        @BindsInstance XenPlatform platform);
  }
}
