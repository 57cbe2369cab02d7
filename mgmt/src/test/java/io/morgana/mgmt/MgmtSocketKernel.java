package io.morgana.mgmt;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.net.socket.SocketStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/** A kernel on host sockets (127.0.0.1) with management: the socket target's wiring. */
@Singleton
@Component(modules = {MgmtTestModule.class, SocketStackModule.class, ManagementModule.class})
interface MgmtSocketKernel extends KernelComponent {

  Management management();

  @Component.Factory
  interface Factory {
    MgmtSocketKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
