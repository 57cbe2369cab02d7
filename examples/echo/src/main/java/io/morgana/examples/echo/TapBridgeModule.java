package io.morgana.examples.echo;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Netif;
import io.morgana.net.tap.TapConfig;
import io.morgana.net.tap.TapNetif;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.netfront.netback.SimulatedXenNetbackModule;
import jakarta.inject.Named;
import java.util.Optional;
import java.util.Set;

/**
 * The simulated netback's far side in {@link XenKernel}: the TAP device of {@code --net=tap:NAME}
 * (the key of {@link TapNetifModule}), bound as the netback's bridge rather than as the kernel's
 * {@code Netif} (that one is the netfront).
 */
@Module(includes = BootKeysModule.class)
public final class TapBridgeModule {

  private TapBridgeModule() {}

  /** {@code --net}. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.of(TapNetifModule.NET);
  }

  @Provides
  @Named(SimulatedXenNetbackModule.BRIDGE)
  static Netif bridge(BootArguments arguments, EventLoop loop, Lifecycle lifecycle) {
    TapNetif tap = TapNetif.open(new TapConfig(arguments.get(TapNetifModule.NET), Optional.empty()), loop);
    lifecycle.onShutdown(tap);
    return tap;
  }
}
