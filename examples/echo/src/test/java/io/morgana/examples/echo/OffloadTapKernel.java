package io.morgana.examples.echo;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.net.tap.TapNetif;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * {@link TapKernel}'s modules with the {@link TcpipStack} and the {@link TapNetif} exposed, so that
 * a test of {@code --tap-offload} can read what the device delivered ({@link TapNetif#stats()}).
 */
@Singleton
@Component(modules = {EchoModule.class, TapNetifModule.class, TcpipStackModule.class, TcpModule.class, StaticIpv4Module.class})
interface OffloadTapKernel extends KernelComponent {

  TcpipStack stack();

  TapNetif tap();

  @Component.Factory
  interface Factory {
    OffloadTapKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
