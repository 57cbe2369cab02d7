package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Many connections on two in-memory {@link TcpLayer}s ({@link TcpPair}), in virtual time: the
 * 4-tuple table, the memory an established connection holds, and the limits that bound the total.
 */
class TcpScaleTest {

  static final int N = 3_000;
  static final TcpSettings SETTINGS = TcpSettings.DEFAULTS.withSecret(7);

  /** Opens {@code n} connections a→b:7 and accepts them; [0..n) client side, [n..2n) server side. */
  static List<TcpConnection> open(TcpPair p, TcpLayer.Listener l, int n) {
    List<TcpConnection> out = new ArrayList<>(2 * n);
    List<TcpConnection> servers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(p.connect(p.a, 7).join());
      servers.add(TcpPair.accept(l));
    }
    out.addAll(servers);
    return out;
  }

  static byte[] message(int i) {
    return ("connection " + i + " says hello").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void everyConnectionIsFoundByItsFourTuple() throws Exception {
    try (TcpPair p = new TcpPair(SETTINGS, SETTINGS.withLimits(65_536, 4_096, 4_096))) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = open(p, l, N);
      for (int i = 0; i < N; i++) {
        TcpConnection client = all.get(i);
        TcpConnection server = all.get(N + i);
        assertSame(client, p.a.connection(TcpPair.B, 7, client.localPort));
        assertSame(server, p.b.connection(TcpPair.A, client.localPort, 7));
      }
      assertEquals(N, p.a.connectionCount());
      assertEquals(N, p.b.connectionCount());
    }
  }

  @Test
  void theKeysOfOnePeersConnectionsToOnePortSpreadOverTheTable() throws Exception {
    try (TcpPair p = new TcpPair(SETTINGS, SETTINGS)) {
      int mask = 65_536 - 1; // LongObjectHashMap's index: (int) (key ^ key >>> 32) & (capacity - 1)
      Set<Integer> serverSlots = new HashSet<>();
      Set<Integer> clientSlots = new HashSet<>();
      for (int port = TcpLayer.EPHEMERAL_FIRST; port <= TcpLayer.EPHEMERAL_LAST; port++) {
        long server = p.b.key(TcpPair.A, port, 7);
        long client = p.a.key(TcpPair.B, 7, port);
        serverSlots.add((int) (server ^ (server >>> 32)) & mask);
        clientSlots.add((int) (client ^ (client >>> 32)) & mask);
      }
      // 16,384 keys into 65,536 slots at random: about 14,500 distinct; packed unmixed, the server's were 1.
      assertTrue(serverSlots.size() > 12_000, "server-side slots " + serverSlots.size());
      assertTrue(clientSlots.size() > 12_000, "client-side slots " + clientSlots.size());
    }
  }

  @Test
  void anEstablishedIdleConnectionHoldsNoBufferBeforeOrAfterMovingData() throws Exception {
    try (TcpPair p = new TcpPair(SETTINGS, SETTINGS.withLimits(65_536, 4_096, 4_096))) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = open(p, l, N);
      p.advance(Duration.ofMillis(100)); // delayed ACKs out
      assertEquals(0, p.alloc.live(), "buffers held by " + 2 * N + " idle connections");
      for (int i = 0; i < N; i++) {
        p.write(all.get(i), message(i));
        p.write(all.get(N + i), message(-i));
      }
      p.advance(Duration.ofMillis(100));
      assertTrue(p.alloc.live() >= 2 * N, "unread data is held: " + p.alloc.live());
      for (int i = 0; i < N; i++) {
        assertArrayEquals(message(i), p.read(all.get(N + i)));
        assertArrayEquals(message(-i), p.read(all.get(i)));
      }
      p.advance(Duration.ofMillis(100));
      assertEquals(0, p.alloc.live(), "send queues released once acknowledged, received data once read");
      assertEquals(2 * N, p.a.connectionCount() + p.b.connectionCount());
    }
  }

  @Test
  void overMaxConnectionsNewSynsAreDroppedAndCountedWhileEstablishedOnesCarryOn() throws Exception {
    int limit = 500;
    try (TcpPair p = new TcpPair(SETTINGS, SETTINGS.withLimits(limit, 4_096, 1_000))) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = open(p, l, limit);
      List<CompletableFuture<TcpConnection>> refused = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        refused.add(p.connect(p.a, 7));
      }
      assertEquals(10, p.b.counters().get(TcpCounter.CONNECTION_LIMIT));
      assertEquals(limit, p.b.connectionCount());
      for (int i = 0; i < limit; i++) {
        p.write(all.get(i), message(i));
        assertArrayEquals(message(i), p.read(all.get(limit + i)));
      }
      p.advance(Duration.ofSeconds(11));
      for (CompletableFuture<TcpConnection> f : refused) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(ConnectException.class, e.getCause());
      }
      for (int i = 0; i < limit; i++) {
        assertEquals(TcpState.ESTABLISHED, all.get(i).state());
      }
    }
  }

  @Test
  void connectOverMaxConnectionsIsRefusedAtOnceAndCounted() throws Exception {
    try (TcpPair p = new TcpPair(SETTINGS.withLimits(100, 4_096, 128), SETTINGS.withLimits(65_536, 4_096, 1_000))) {
      TcpLayer.Listener l = p.b.listen(7);
      List<TcpConnection> all = open(p, l, 100);
      CompletableFuture<TcpConnection> f = p.connect(p.a, 7);
      ExecutionException e = assertThrows(ExecutionException.class, f::get);
      assertTrue(e.getCause().getMessage().contains("too many"), e.getCause().getMessage());
      assertEquals(1, p.a.counters().get(TcpCounter.CONNECTION_LIMIT));
      p.close(all.get(0));
      p.close(all.get(100));
      assertTrue(p.connect(p.a, 7).isDone(), "a closed connection (in TIME-WAIT) makes room");
      assertEquals(TcpState.ESTABLISHED, TcpPair.accept(l).state());
    }
  }

  @Test
  void theReceiveBudgetBoundsDataHeldByAllConnections() throws Exception {
    long budget = 64 * 1024;
    try (TcpPair p = new TcpPair(SETTINGS, SETTINGS.withLimits(65_536, 4_096, 1_000).withBuffers(16 * 1024, 16 * 1024).withReceiveBudget(budget))) {
      TcpLayer.Listener l = p.b.listen(7);
      int n = 100;
      List<TcpConnection> all = open(p, l, n);
      byte[] kib = new byte[1024];
      for (int i = 0; i < n; i++) {
        p.write(all.get(i), kib);
      }
      assertTrue(p.b.receiveHeld() <= budget, "held " + p.b.receiveHeld());
      assertTrue(p.b.counters().get(TcpCounter.RX_DROP_MEMORY) > 0, "data over the budget dropped");
      long read = 0;
      for (int round = 0; round < 10 && read < (long) n * kib.length; round++) {
        for (int i = 0; i < n; i++) {
          read += p.read(all.get(n + i)).length;
        }
        p.advance(Duration.ofSeconds(2)); // the dropped data is sent again
      }
      assertEquals((long) n * kib.length, read, "every byte arrives once the application reads");
      assertEquals(0, p.b.receiveHeld());
    }
  }
}
