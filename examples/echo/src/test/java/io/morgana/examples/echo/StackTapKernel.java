package io.morgana.examples.echo;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.net.tap.TapNetifModule;
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
 * {@link TapKernel}'s modules, with the {@link TcpipStack} exposed as well so that a test can read
 * its counters ({@link TcpipStack#stats()}) while Linux talks to it over the TAP device.
 */
@Singleton
@Component(modules = {EchoModule.class, TapNetifModule.class, TcpipStackModule.class, TcpModule.class, StaticIpv4Module.class})
interface StackTapKernel extends KernelComponent {

  TcpipStack stack();

  @Component.Factory
  interface Factory {
    StackTapKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
