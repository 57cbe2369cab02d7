package io.morgana.mgmt;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.mgmt.tcpip.TcpipManagementModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.SwitchNetifModule;
import jakarta.inject.Singleton;

/** A kernel with the stack and management on an in-memory switch, as a TAP kernel would have. */
@Singleton
@Component(modules = {
    MgmtTestModule.class, SwitchNetifModule.class, TcpipStackModule.class, TcpModule.class, StaticIpv4Module.class,
    ManagementModule.class, TcpipManagementModule.class})
interface MgmtTestKernel extends KernelComponent {

  EthernetSwitch ethernet();

  Management management();

  @Component.Factory
  interface Factory {
    MgmtTestKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
