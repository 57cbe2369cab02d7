package io.morgana.sim.demo;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.sim.SimDevicesModule;
import io.morgana.sim.SimHost;
import jakarta.inject.Singleton;

/** The DHCP server kernel of the demo, on simulated devices. */
@Singleton
@Component(modules = {SimDevicesModule.class, TcpipStackModule.class, StaticIpv4Module.class,
    DemoDhcpServerModule.class, DhcpServerSim.AppModule.class})
public interface DhcpServerSim extends KernelComponent {

  DhcpServerApp app();

  @Component.Factory
  interface Factory {
    DhcpServerSim create(@BindsInstance BootArguments args, @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle, @BindsInstance SimHost host);
  }

  /** The application. */
  @Module
  abstract class AppModule {
    @Binds
    abstract Application application(DhcpServerApp app);
  }
}
