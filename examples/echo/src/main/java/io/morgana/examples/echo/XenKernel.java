package io.morgana.examples.echo;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.netfront.XenNetfrontModule;
import io.morgana.xen.netfront.netback.SimulatedXenNetbackModule;
import io.morgana.xen.sim.SimulatedXenPlatformModule;
import jakarta.inject.Singleton;

/**
 * The echo kernel as a Xen guest: the same {@link EchoServer}, stack and addressing as {@link
 * TapKernel}, with {@link XenNetfrontModule} in place of {@code TapNetifModule}. These machines
 * have no Xen, so the platform is the simulated hypervisor ({@link SimulatedXenPlatformModule})
 * whose dom0 runs a Java netback ({@link SimulatedXenNetbackModule}) bridged to a TAP device
 * ({@link TapBridgeModule}, {@code --net=tap:NAME}): every frame crosses netif rings, grants and
 * event channels between the guest and the TAP device. In a Linux Xen guest the platform module
 * would be {@code LinuxXenPlatformModule}, without the simulated netback — the vif's real backend
 * is dom0's.
 */
@Singleton
@Component(
    modules = {
      EchoModule.class,
      XenNetfrontModule.class,
      TcpipStackModule.class,
      TcpModule.class,
      StaticIpv4Module.class,
      SimulatedXenPlatformModule.class,
      SimulatedXenNetbackModule.class,
      TapBridgeModule.class
    })
public interface XenKernel extends KernelComponent {

  /** Builds the kernel from what {@link io.morgana.runtime.Kernel} provides. */
  @Component.Factory
  interface Factory {
    XenKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
