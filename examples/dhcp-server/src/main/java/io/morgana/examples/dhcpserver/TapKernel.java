package io.morgana.examples.dhcpserver;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.net.dhcp.DhcpServerModule;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The DHCP server kernel for a TAP device: {@code --net=tap:NAME}, the stack with a static
 * {@code --ipv4}, and the server ({@code --dhcp-range}, {@code --lease-db}, …).
 */
@Singleton
@Component(modules = {DhcpServerAppModule.class, TapNetifModule.class, TcpipStackModule.class, StaticIpv4Module.class,
    DhcpServerModule.class})
public interface TapKernel extends KernelComponent {

  @Component.Factory
  interface Factory {
    TapKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
