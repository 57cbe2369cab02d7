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
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.PcapNetif;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Set;

/**
 * The echo kernel of {@link TapKernel} with every frame recorded: its {@link Netif} is the TAP
 * device (same boot keys) wrapped in testkit's {@link PcapNetif}. A test module, not a subclass.
 */
@Singleton
@Component(modules = {EchoModule.class, PcapTapKernel.PcapTapModule.class, TcpipStackModule.class, TcpModule.class, StaticIpv4Module.class})
interface PcapTapKernel extends KernelComponent {

  /** The recording interface, to read its count. */
  PcapNetif pcap();

  @Component.Factory
  interface Factory {
    PcapTapKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle,
        @BindsInstance Path pcapFile);
  }

  /**
   * Binds {@link Netif} to a {@link PcapNetif} over the {@link TapNetif} of the boot keys, which
   * it reads and therefore contributes.
   */
  @Module(includes = BootKeysModule.class)
  final class PcapTapModule {
    private PcapTapModule() {}

    @Provides
    @ElementsIntoSet
    static Set<BootKey<?>> bootKeys() {
      return Set.copyOf(TapNetifModule.KEYS);
    }

    @Provides
    @Singleton
    static PcapNetif pcap(BootArguments arguments, EventLoop loop, Lifecycle lifecycle, Path pcapFile) {
      TapNetif tap =
          TapNetif.open(
              new TapConfig(arguments.get(TapNetifModule.NET), arguments.get(TapNetifModule.MAC)), loop);
      lifecycle.onShutdown(tap);
      PcapNetif pcap = new PcapNetif(tap, pcapFile);
      lifecycle.onShutdown(pcap); // closed first: flushes the file, then closes the TAP
      return pcap;
    }

    @Provides
    static Netif netif(PcapNetif pcap) {
      return pcap;
    }
  }
}
