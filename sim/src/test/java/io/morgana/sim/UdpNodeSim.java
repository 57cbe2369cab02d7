package io.morgana.sim;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import io.morgana.api.Udp;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A test kernel: a static address, UDP port 9 counting what arrives (with the loop's time). */
@Singleton
@Component(modules = {SimDevicesModule.class, TcpipStackModule.class, StaticIpv4Module.class, UdpNodeSim.AppModule.class})
interface UdpNodeSim extends KernelComponent {

  Sink app();

  Udp udp();

  @Component.Factory
  interface Factory {
    UdpNodeSim create(@BindsInstance BootArguments args, @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle, @BindsInstance SimHost host);
  }

  @Module
  abstract class AppModule {
    @Binds
    abstract Application application(Sink app);
  }

  @Singleton
  final class Sink implements Application {
    private final Udp udp;
    private final EventLoop loop;
    final List<String> received = new ArrayList<>();

    @Inject
    Sink(Udp udp, EventLoop loop) {
      this.udp = udp;
      this.loop = loop;
    }

    @Override
    public CompletionStage<?> start() {
      udp.listen(9, (src, sport, dst, dport, payload) ->
          received.add(payload.toString(java.nio.charset.StandardCharsets.US_ASCII)));
      return new CompletableFuture<>();
    }
  }
}
