package io.morgana.examples.website.appliance.xen;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.linux.LinuxXenPlatformModule;
import jakarta.inject.Singleton;

/**
 * The static website as a Xen PVH guest: {@link XenApplianceModule} on {@link
 * LinuxXenPlatformModule}, so Morgana's netfront and blkfront drive the guest's vif and vbd through
 * Linux's {@code /dev/xen/xenbus}, {@code evtchn} and {@code gntalloc} (the image loads {@code
 * xen-evtchn} and {@code xen-gntalloc}, and not Linux's own {@code xen-netfront} or {@code
 * xen-blkfront}). Outside a Xen guest booting it fails with one message saying so.
 */
@Singleton
@Component(modules = {XenApplianceModule.class, LinuxXenPlatformModule.class})
public interface XenApplianceKernel extends KernelComponent {

  /** Builds the kernel from what {@link io.morgana.runtime.Kernel} provides. */
  @Component.Factory
  interface Factory {
    XenApplianceKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
