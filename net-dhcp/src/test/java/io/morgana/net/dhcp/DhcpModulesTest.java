package io.morgana.net.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.net.dhcp.client.DhcpLease;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Ipv4ConfigModule} in a component, as a kernel uses it: {@code --dhcp} gives the stack a
 * lease from a server on the same in-memory switch, {@code --ipv4} a static address and no
 * client, both together are refused when the stack is built.
 */
class DhcpModulesTest {

  @Singleton
  @Component(modules = {TcpipStackModule.class, Ipv4ConfigModule.class})
  interface TestKernel {
    TcpipStack stack();

    DhcpLeases leases();

    Set<BootKey<?>> bootKeys();

    @Component.Factory
    interface Factory {
      TestKernel create(@BindsInstance BootArguments arguments, @BindsInstance EventLoop loop,
          @BindsInstance Lifecycle lifecycle, @BindsInstance Netif netif);
    }
  }

  private final DhcpNet net = new DhcpNet();
  private final Lifecycle lifecycle = new Lifecycle();

  @AfterEach
  void close() throws Exception {
    lifecycle.close();
    net.close();
  }

  private TestKernel kernel(String... argv) throws Exception {
    Netif port = net.ethernetSwitch.newPort(MacAddress.parse("02:00:5e:10:00:31"), 1500);
    List<BootKey<?>> keys = new ArrayList<>(DaggerDhcpModulesTest_TestKernel.factory()
        .create(BootArguments.parse(List.of()), net.loop, lifecycle, port).bootKeys());
    return DaggerDhcpModulesTest_TestKernel.factory().create(BootArguments.parse(keys, argv), net.loop, lifecycle, port);
  }

  @Test
  void dhcp_stackComesUpOnALease_andTheApplicationHearsOfIt() throws Exception {
    net.server(net.stack("192.0.2.1/24"), DhcpNet.pool(Duration.ofMinutes(10)), null);
    TestKernel k = kernel("--dhcp");
    TcpipStack stack = k.stack();
    assertTrue(stack.ip().address().isEmpty());
    List<Optional<DhcpLease>> heard = new ArrayList<>();
    k.leases().addListener(heard::add);
    net.run();
    net.advanceUntil(Duration.ofSeconds(30), () -> k.leases().lease().isPresent());
    assertEquals(Optional.of(Ipv4Cidr.parse("192.0.2.100/24")), stack.ip().address());
    assertEquals(List.of(k.leases().lease()), heard);
    assertTrue(k.bootKeys().containsAll(DhcpClientModule.KEYS));
  }

  @Test
  void staticAddress_noClient() throws Exception {
    TestKernel k = kernel("--ipv4=192.0.2.9/24");
    List<Optional<DhcpLease>> heard = new ArrayList<>();
    k.leases().addListener(heard::add);
    net.run();
    net.advance(Duration.ofSeconds(10));
    assertEquals(Optional.of(Ipv4Cidr.parse("192.0.2.9/24")), k.stack().ip().address());
    assertTrue(k.leases().lease().isEmpty());
    assertTrue(heard.isEmpty());
  }

  @Test
  void dhcpAndStaticAddress_refused() throws Exception {
    TestKernel k = kernel("--dhcp", "--ipv4=192.0.2.9/24");
    IllegalStateException e = assertThrows(IllegalStateException.class, k::stack);
    assertTrue(e.getMessage().contains("DHCP and a static address exclude each other"), e.getMessage());
  }
}
