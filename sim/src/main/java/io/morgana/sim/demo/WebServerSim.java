package io.morgana.sim.demo;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.sim.SimDevicesModule;
import io.morgana.sim.SimHost;
import jakarta.inject.Singleton;

/** The web server kernel of the demo: pages from a FAT disk, on simulated devices. */
@Singleton
@Component(modules = {SimDevicesModule.class, TcpipStackModule.class, TcpModule.class, StaticIpv4Module.class,
    FatFsModule.class, WebServerSim.AppModule.class})
public interface WebServerSim extends KernelComponent {

  WebServerApp app();

  @Component.Factory
  interface Factory {
    WebServerSim create(@BindsInstance BootArguments args, @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle, @BindsInstance SimHost host);
  }

  /** The application. */
  @Module
  abstract class AppModule {
    @Binds
    abstract Application application(WebServerApp app);
  }
}
