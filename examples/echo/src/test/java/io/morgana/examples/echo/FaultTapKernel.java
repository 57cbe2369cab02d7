package io.morgana.examples.echo;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Netif;
import io.morgana.net.tap.TapConfig;
import io.morgana.net.tap.TapNetif;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.FaultInjectingNetif;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;

/**
 * The echo kernel of {@link TapKernel} behind the testkit's fault injector on Morgana's side of
 * the TAP device: 2 % of frames lost and 2 % reordered (by 5 ms), in both directions, seeded.
 */
@Singleton
@Component(modules = {EchoModule.class, FaultTapKernel.FaultTapModule.class, TcpipStackModule.class, TcpModule.class,
    StaticIpv4Module.class})
interface FaultTapKernel extends KernelComponent {

  TcpipStack stack();

  FaultInjectingNetif faults();

  @Component.Factory
  interface Factory {
    FaultTapKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }

  /** Binds {@link Netif} to a {@link FaultInjectingNetif} over the {@link TapNetif} of the boot keys. */
  @Module(includes = BootKeysModule.class)
  final class FaultTapModule {
    private FaultTapModule() {}

    @Provides
    @ElementsIntoSet
    static Set<BootKey<?>> bootKeys() {
      return Set.copyOf(TapNetifModule.KEYS);
    }

    @Provides
    @Singleton
    static FaultInjectingNetif faults(BootArguments arguments, EventLoop loop, Lifecycle lifecycle) {
      TapNetif tap = TapNetif.open(
          new TapConfig(arguments.get(TapNetifModule.NET), arguments.get(TapNetifModule.MAC)), loop);
      lifecycle.onShutdown(tap);
      FaultInjectingNetif f = FaultInjectingNetif.builder(tap, loop)
          .seed(11).drop(0.02).reorder(0.02, Duration.ofMillis(5)).build();
      lifecycle.onShutdown(f);
      return f;
    }

    @Provides
    static Netif netif(FaultInjectingNetif f) {
      return f;
    }
  }
}
