package io.morgana.examples.website.xen;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.examples.website.StaticWebsiteModule;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.blkfront.XenBlkfrontModule;
import io.morgana.xen.netfront.XenNetfrontModule;
import io.morgana.xen.netfront.netback.SimulatedXenNetbackModule;
import io.morgana.xen.sim.SimulatedXenPlatformModule;
import jakarta.inject.Singleton;

/**
 * The static website as a Xen guest: the same application, stack and file system as the TAP
 * target, with {@link XenNetfrontModule} for the network and {@link XenBlkfrontModule} for the
 * disk. The platform is the simulated hypervisor ({@link SimulatedXenPlatformModule}), whose dom0
 * ({@link SimulatedXenNetbackModule}, {@link SimulatedDom0Module}) bridges the vif to {@code
 * --net=tap:NAME} and serves {@code --disk=IMAGE} as the vbd: every frame and every sector
 * crosses real rings, grants and event channels.
 */
@Singleton
@Component(modules = {
    StaticWebsiteModule.class, XenTargetModule.class, XenNetfrontModule.class, TcpipStackModule.class,
    TcpModule.class, StaticIpv4Module.class, XenBlkfrontModule.class, FatFsModule.class,
    SimulatedXenPlatformModule.class, SimulatedXenNetbackModule.class, SimulatedDom0Module.class})
public interface XenKernel extends KernelComponent {

  @Component.Factory
  interface Factory {
    XenKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
