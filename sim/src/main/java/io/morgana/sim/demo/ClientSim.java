package io.morgana.sim.demo;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.net.dhcp.Ipv4ConfigModule;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.sim.SimDevicesModule;
import io.morgana.sim.SimHost;
import jakarta.inject.Singleton;
import java.util.Set;

/** A client kernel of the demo ({@code --dhcp}, optionally {@code --fetch}), on simulated devices. */
@Singleton
@Component(modules = {SimDevicesModule.class, TcpipStackModule.class, TcpModule.class, Ipv4ConfigModule.class,
    ClientSim.AppModule.class})
public interface ClientSim extends KernelComponent {

  ClientApp app();

  @Component.Factory
  interface Factory {
    ClientSim create(@BindsInstance BootArguments args, @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle, @BindsInstance SimHost host);
  }

  /** The application and its key. */
  @Module
  abstract class AppModule {
    @Binds
    abstract Application application(ClientApp app);

    @Provides
    @ElementsIntoSet
    static Set<BootKey<?>> keys() {
      return Set.of(ClientApp.FETCH);
    }
  }
}
