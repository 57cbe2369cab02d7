package io.morgana.net.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowOption;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import io.morgana.runtime.DeterministicLoop;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

/** {@link Flow#set} over host sockets, read back from the host's socket options. */
class SocketFlowOptionTest {

  @Test
  void optionsReachTheHostSocketAndUserTimeoutIsDeclaredUnsupported() throws Exception {
    try (SocketStack stack = new SocketStack(Ipv4Address.LOOPBACK, new DeterministicLoop(),
        UnpooledByteBufAllocator.DEFAULT)) {
      int port;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = free.getLocalPort(); // a port the host just gave out and took back
      }
      try (Tcp.Listener l = stack.tcp().listen(port)) {
        CompletableFuture<Flow> accepted = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
          try {
            accepted.complete(l.accept());
          } catch (Exception e) {
            accepted.completeExceptionally(e);
          }
        });
        SocketFlow c = (SocketFlow) stack.tcp().connect(new Endpoint(Ipv4Address.LOOPBACK, l.port()),
            Duration.ofSeconds(10));
        Flow s = accepted.get();
        assertFalse(c.option(StandardSocketOptions.TCP_NODELAY), "Nagle on when a flow opens");
        c.set(FlowOption.NO_DELAY, true);
        assertTrue(c.option(StandardSocketOptions.TCP_NODELAY));

        c.set(FlowOption.KEEP_ALIVE, new FlowOption.KeepAlive(Duration.ofMillis(1500), Duration.ofSeconds(2), 4));
        assertTrue(c.option(StandardSocketOptions.SO_KEEPALIVE));
        assertEquals(2, c.option(ExtendedSocketOptions.TCP_KEEPIDLE), "1.5 s rounded up to whole seconds");
        assertEquals(2, c.option(ExtendedSocketOptions.TCP_KEEPINTERVAL));
        assertEquals(4, c.option(ExtendedSocketOptions.TCP_KEEPCOUNT));
        c.set(FlowOption.KEEP_ALIVE, FlowOption.KeepAlive.OFF);
        assertFalse(c.option(StandardSocketOptions.SO_KEEPALIVE));

        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
            () -> c.set(FlowOption.USER_TIMEOUT, Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("TCP_USER_TIMEOUT"), e.getMessage());
        c.close();
        s.close();
      }
    }
  }
}
