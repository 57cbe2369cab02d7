package io.morgana.net.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.runtime.BootArgumentException;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link SocketStackModule} in a component, the way a socket kernel uses it. */
class SocketStackModuleTest {

  @Singleton
  @Component(modules = SocketStackModule.class)
  interface TestKernel {
    Tcp tcp();

    Udp udp();

    SocketStack stack();

    @Component.Factory
    interface Factory {
      TestKernel create(@BindsInstance BootArguments args, @BindsInstance EventLoop loop,
          @BindsInstance Lifecycle lifecycle);
    }
  }

  @Test
  void listenDefaultsToLoopback_andTcpAndUdpComeFromOneStack() throws Exception {
    try (Lifecycle lifecycle = new Lifecycle()) {
      TestKernel k = DaggerSocketStackModuleTest_TestKernel.factory()
          .create(BootArguments.parse(SocketStackModule.KEYS), new DeterministicLoop(), lifecycle);
      assertEquals(Ipv4Address.LOOPBACK, k.stack().listenAddress());
      assertSame(k.stack(), k.stack());
      assertSame(k.stack().tcp(), k.tcp());
      assertSame(k.stack().udp(), k.udp());
    }
  }

  @Test
  void aMalformedListenAddressIsRefusedAtParseTime() {
    BootArgumentException e = assertThrows(BootArgumentException.class,
        () -> BootArguments.parse(SocketStackModule.KEYS, "--listen=localhost"));
    assertTrue(e.getMessage().contains("localhost"), e.getMessage());
  }

  @Test
  void theLifecycleClosesListenersAndFlowsAtShutdown() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Lifecycle lifecycle = new Lifecycle();
    TestKernel k = DaggerSocketStackModuleTest_TestKernel.factory()
        .create(BootArguments.parse(SocketStackModule.KEYS, "--listen=127.0.0.1"), new DeterministicLoop(), lifecycle);
    Tcp.Listener listener = k.tcp().listen(port);
    try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), port)) {
      var flow = listener.accept();
      assertEquals(new Endpoint(Ipv4Address.LOOPBACK, port), flow.localEndpoint());
      lifecycle.close();
      assertThrows(IOException.class, flow::read, "the flow was closed by the shutdown");
      assertEquals(-1, peer.getInputStream().read(), "the peer sees the connection end");
    }
    assertThrows(IOException.class, listener::accept, "the listener was closed by the shutdown");
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertFalse(again.isClosed(), "the port is free again");
    }
    assertThrows(java.net.ConnectException.class,
        () -> k.tcp().connect(new Endpoint(Ipv4Address.LOOPBACK, port), Duration.ofSeconds(5)),
        "nobody listens any more");
  }
}
