package io.morgana.mgmt;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.mgmt.tcpip.TcpipManagementModule;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/** A TAP kernel with the stack and management: what an application's TAP target lists. */
@Singleton
@Component(modules = {
    MgmtTestModule.class, TapNetifModule.class, TcpipStackModule.class, TcpModule.class, StaticIpv4Module.class,
    ManagementModule.class, TcpipManagementModule.class})
interface MgmtTapKernel extends KernelComponent {

  Management management();

  @Component.Factory
  interface Factory {
    MgmtTapKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
