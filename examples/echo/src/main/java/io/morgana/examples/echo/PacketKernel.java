package io.morgana.examples.echo;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.mgmt.ManagementModule;
import io.morgana.mgmt.tcpip.TcpipManagementModule;
import io.morgana.net.dhcp.Ipv4ConfigModule;
import io.morgana.net.packet.PacketNetifModule;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The echo kernel on a network interface it owns through an {@code AF_PACKET} socket: {@code
 * --net=packet:IFACE} ({@link PacketNetifModule}) in place of {@link TapKernel}'s TAP device, the
 * same TCP/IP stack, addressing ({@code --ipv4=ADDRESS/PREFIX} or {@code --dhcp}) and {@link
 * EchoServer}. The target of the appliance (a VM's virtio NIC) and of a veth end.
 */
@Singleton
@Component(modules = {EchoModule.class, PacketNetifModule.class, TcpipStackModule.class, TcpModule.class, Ipv4ConfigModule.class,
    ManagementModule.class, TcpipManagementModule.class})
public interface PacketKernel extends KernelComponent {

  /** Builds the kernel from what {@link io.morgana.runtime.Kernel} provides. */
  @Component.Factory
  interface Factory {
    PacketKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
