package io.morgana.examples.echo;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.mgmt.ManagementModule;
import io.morgana.mgmt.tcpip.TcpipManagementModule;
import io.morgana.net.dhcp.Ipv4ConfigModule;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The echo kernel for a Linux TAP device: {@code --net=tap:NAME} ({@link TapNetifModule}), the
 * TCP/IP stack ({@link TcpipStackModule}) and {@code --ipv4=ADDRESS/PREFIX} or {@code --dhcp}
 * ({@link Ipv4ConfigModule}) under the {@link EchoServer} ({@link EchoModule}). Each module contributes its
 * own boot keys, so {@code --help} lists them all and nothing lists them a second time.
 */
@Singleton
@Component(modules = {EchoModule.class, TapNetifModule.class, TcpipStackModule.class, TcpModule.class, Ipv4ConfigModule.class,
    ManagementModule.class, TcpipManagementModule.class})
public interface TapKernel extends KernelComponent {

  /** Builds the kernel from what {@link io.morgana.runtime.Kernel} provides. */
  @Component.Factory
  interface Factory {
    TapKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
