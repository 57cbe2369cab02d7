package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Netif;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.xen.netfront.XenNetfrontModule;
import io.morgana.xen.netfront.netback.SimulatedXenNetbackModule;
import io.morgana.xen.sim.SimulatedXenPlatformModule;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The echo kernel of {@link XenKernel} — {@link XenNetfrontModule} on the simulated platform,
 * its netback bridged (here) to a port of an in-memory switch instead of a TAP device — on a
 * deterministic loop: a client stack on the switch pings the guest and gets its datagrams echoed,
 * every frame through netif rings. The same test with {@code TapNetifModule} (or a switch port)
 * bound as the kernel's {@code Netif} is {@link EchoServerTest}: swapping Xen drivers for another
 * device is another component, not another application.
 */
class EchoXenKernelTest {

  /** The netback's bridge: a port of the test's switch. */
  @Module
  interface SwitchBridgeModule {
    @Provides
    @Named(SimulatedXenNetbackModule.BRIDGE)
    static Netif bridge(EthernetSwitch sw) {
      return sw.newPort();
    }
  }

  @Singleton
  @Component(
      modules = {
        EchoModule.class,
        XenNetfrontModule.class,
        TcpipStackModule.class,
        TcpModule.class,
        StaticIpv4Module.class,
        SimulatedXenPlatformModule.class,
        SimulatedXenNetbackModule.class,
        SwitchBridgeModule.class
      })
  interface TestXenKernel extends KernelComponent {
    @Component.Factory
    interface Factory {
      TestXenKernel create(
          @BindsInstance BootArguments arguments,
          @BindsInstance EventLoop loop,
          @BindsInstance Lifecycle lifecycle,
          @BindsInstance EthernetSwitch sw);
    }
  }

  @Test
  void echoXen_pingsAndDatagramsCrossTheNetifRings() throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    try (Lifecycle lifecycle = new Lifecycle(); EthernetSwitch sw = new EthernetSwitch(loop)) {
      List<io.morgana.runtime.BootKey<?>> keys = new ArrayList<>(Kernel.STANDARD_KEYS);
      keys.addAll(XenNetfrontModule.KEYS);
      keys.addAll(SimulatedXenNetbackModule.KEYS);
      keys.addAll(StaticIpv4Module.KEYS);
      keys.addAll(EchoModule.KEYS);
      BootArguments args = BootArguments.parse(keys, "--ipv4=192.0.2.2/24", "--xen-vif-mac=00:16:3e:12:34:56");
      Application app = DaggerEchoXenKernelTest_TestXenKernel.factory().create(args, loop, lifecycle, sw).application();
      assertInstanceOf(EchoServer.class, app);
      app.start();
      loop.runUntilIdle();
      TcpipStack client = new TcpipStack(sw.newPort(), loop, Ipv4Config.of("192.0.2.1/24", null));
      Ipv4Address guest = Ipv4Address.parse("192.0.2.2");
      List<Integer> pongs = new ArrayList<>();
      client.icmp().listen((src, type, code, body) -> pongs.add(type));
      ByteBuf ping = client.allocate(64).writeShort(1).writeShort(1).writeZero(56);
      loop.execute(() -> client.icmp().write(guest, 8, 0, ping));
      loop.runUntilIdle();
      assertEquals(List.of(0), pongs, "echo reply from the guest, through netfront and netback");

      List<byte[]> echoed = new ArrayList<>();
      client.udp().listen(5000, (src, sport, dst, dport, payload) -> echoed.add(ByteBufUtil.getBytes(payload)));
      List<byte[]> sent = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(9);
      for (int size : new int[] {0, 1, 100, 1472, 1473, 8000}) {
        byte[] out = new byte[size];
        r.nextBytes(out);
        sent.add(out);
        ByteBuf d = Unpooled.directBuffer(Math.max(size, 1)).writeBytes(out);
        loop.execute(() -> client.udp().write(guest, EchoServer.PORT, 5000, d));
        loop.runUntilIdle();
      }
      assertEquals(sent.size(), echoed.size());
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), echoed.get(i));
      }
      client.close();
    }
  }
}
