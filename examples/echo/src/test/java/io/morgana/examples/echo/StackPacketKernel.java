package io.morgana.examples.echo;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.net.packet.PacketNetifModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * {@link PacketKernel}'s modules with static addressing, and the {@link TcpipStack} exposed so a
 * test can open TCP connections from Morgana's side.
 */
@Singleton
@Component(modules = {EchoModule.class, PacketNetifModule.class, TcpipStackModule.class, TcpModule.class, StaticIpv4Module.class})
interface StackPacketKernel extends KernelComponent {

  TcpipStack stack();

  @Component.Factory
  interface Factory {
    StackPacketKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
