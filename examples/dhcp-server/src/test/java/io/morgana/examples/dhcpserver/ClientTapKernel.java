package io.morgana.examples.dhcpserver;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import io.morgana.net.dhcp.Ipv4ConfigModule;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/** A kernel with Morgana's DHCP client over a TAP device, for the client-against-server test. */
@Singleton
@Component(modules = {ClientTapKernel.WatcherModule.class, TapNetifModule.class, TcpipStackModule.class, Ipv4ConfigModule.class})
interface ClientTapKernel extends KernelComponent {

  @Module
  interface WatcherModule {
    @Binds
    Application application(LeaseWatcher watcher);
  }

  @Component.Factory
  interface Factory {
    ClientTapKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
