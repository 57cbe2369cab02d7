package io.morgana.net.tcpip;

import io.morgana.net.tcpip.arp.ArpCounter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Arp;
import io.morgana.api.Ethernet;
import io.morgana.api.Icmp;
import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.Udp;
import io.morgana.runtime.BootArgumentException;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

/** The modules wire up in a component, the way a kernel uses them. */
class TcpipModulesTest {

  @Singleton
  @Component(modules = {TcpipStackModule.class, StaticIpv4Module.class})
  interface TestKernel {
    Ethernet ethernet();

    Arp arp();

    Ip ip();

    Icmp icmp();

    Udp udp();

    TcpipStack stack();

    @Component.Factory
    interface Factory {
      TestKernel create(
          @BindsInstance BootArguments args, @BindsInstance EventLoop loop, @BindsInstance Netif netif);
    }
  }

  @Test
  void componentBindsEveryLayerToOneStackConfiguredFromBootArguments() throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    CaptureNetif netif = new CaptureNetif(MacAddress.parse("02:00:00:00:00:01"), 1500);
    BootArguments args = BootArguments.parse(StaticIpv4Module.KEYS, "--ipv4=192.0.2.2/24", "--ipv4-gateway=192.0.2.1");
    TestKernel k = DaggerTcpipModulesTest_TestKernel.factory().create(args, loop, netif);
    TcpipStack stack = k.stack();
    assertSame(stack, k.stack());
    assertSame(stack.udp(), k.udp());
    assertSame(stack.ip(), k.ip());
    assertSame(stack.icmp(), k.icmp());
    assertSame(stack.arp(), k.arp());
    assertSame(stack.ethernet(), k.ethernet());
    assertEquals(Ipv4Cidr.parse("192.0.2.2/24"), k.ip().address().orElseThrow());
    assertEquals(Ipv4Address.parse("192.0.2.1"), k.ip().gateway().orElseThrow());
    loop.runUntilIdle();
    assertTrue(netif.handler != null, "the stack listens on the interface once the loop runs");
    assertEquals(1, stack.stats().get(ArpCounter.TX_ANNOUNCEMENTS));
    stack.close();
  }

  @Test
  void withoutIpv4TheStackStartsUnconfigured() throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    CaptureNetif netif = new CaptureNetif(MacAddress.parse("02:00:00:00:00:01"), 1500);
    TestKernel k = DaggerTcpipModulesTest_TestKernel.factory()
        .create(BootArguments.parse(StaticIpv4Module.KEYS), loop, netif);
    loop.runUntilIdle();
    assertTrue(k.ip().address().isEmpty());
    assertEquals(0, k.stack().stats().get(ArpCounter.TX_ANNOUNCEMENTS));
    k.stack().close();
  }

  @Test
  void badArgumentsAreRefusedWithTheText() {
    BootArgumentException e = assertThrows(BootArgumentException.class,
        () -> BootArguments.parse(StaticIpv4Module.KEYS, "--ipv4=192.0.2.300/24"));
    assertTrue(e.getMessage().contains("192.0.2.300/24"), e.getMessage());
  }

  @Test
  void gatewayOffTheNetworkIsRefused() throws Exception {
    BootArguments args = BootArguments.parse(StaticIpv4Module.KEYS, "--ipv4=192.0.2.2/24", "--ipv4-gateway=198.51.100.1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DaggerTcpipModulesTest_TestKernel.factory().create(args, new DeterministicLoop(),
            new CaptureNetif(MacAddress.parse("02:00:00:00:00:01"), 1500)).stack());
    assertTrue(e.getMessage().contains("198.51.100.1"), e.getMessage());
  }
}
