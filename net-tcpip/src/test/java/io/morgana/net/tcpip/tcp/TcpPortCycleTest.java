package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Connect/close cycles from one address to one port, on two in-memory {@link TcpLayer}s in
 * virtual time: ephemeral ports are released when a connection ends and TIME-WAIT never exhausts
 * them (mirage-tcpip#462 stops after 65,535 connects). {@value #CYCLES} cycles per closer side
 * here; the million is {@code io.morgana.benchmarks.net.TcpScale} in benchmarks.
 */
class TcpPortCycleTest {

  static final int CYCLES = 200_000;
  static final int PORTS = TcpLayer.EPHEMERAL_LAST - TcpLayer.EPHEMERAL_FIRST + 1;
  /** Virtual time per cycle: a port comes round after PORTS cycles, 1.6 s, under TIME-WAIT's 60 s. */
  static final Duration CYCLE = Duration.ofNanos(100_000);
  /** TIME-WAIT may hold every ephemeral port: only reuse keeps the ports coming. */
  static final TcpSettings HOLD_ALL = TcpSettings.DEFAULTS.withSecret(3).withLimits(65_536, 65_536, 128);

  static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o'};

  /** One cycle: connect, a few bytes each way with content checked, close by {@code clientFirst}'s side first. */
  static void cycle(TcpPair p, TcpLayer.Listener l, boolean clientFirst) {
    CompletableFuture<TcpConnection> f = p.connect(p.a, 7);
    assertTrue(f.isDone() && !f.isCompletedExceptionally(), "connect failed: " + f);
    TcpConnection client = f.join();
    TcpConnection server = TcpPair.accept(l);
    p.write(client, HELLO);
    assertArrayEquals(HELLO, p.read(server));
    p.write(server, HELLO);
    assertArrayEquals(HELLO, p.read(client));
    TcpConnection first = clientFirst ? client : server;
    TcpConnection second = clientFirst ? server : client;
    p.close(first);
    assertEquals(TcpState.CLOSE_WAIT, second.state());
    p.close(second);
    assertEquals(TcpState.TIME_WAIT, first.state());
    assertEquals(TcpState.CLOSED, second.state());
    p.advance(CYCLE);
  }

  @Test
  void clientClosingFirstReusesItsTimeWaitPortsAndNeverRunsOut() throws Exception {
    try (TcpPair p = new TcpPair(HOLD_ALL, HOLD_ALL)) {
      TcpLayer.Listener l = p.b.listen(7);
      for (int i = 0; i < CYCLES; i++) {
        cycle(p, l, true);
      }
      assertEquals(0, p.a.counters().get(TcpCounter.CONNECT_NO_PORT));
      assertEquals(CYCLES, p.a.counters().get(TcpCounter.CONNECTIONS_OPENED_ACTIVE));
      assertTrue(p.a.counters().get(TcpCounter.TIME_WAIT_REUSED) >= CYCLES - PORTS,
          "reused " + p.a.counters().get(TcpCounter.TIME_WAIT_REUSED));
      assertTrue(p.a.timeWaitCount() <= PORTS, "TIME-WAIT " + p.a.timeWaitCount());
      assertEquals(0, p.b.connectionCount());
      assertEquals(0, p.a.counters().get(TcpCounter.RX_DROP_PAWS) + p.b.counters().get(TcpCounter.RX_DROP_PAWS));
      assertEquals(0, p.a.counters().get(TcpCounter.TX_RST) + p.b.counters().get(TcpCounter.TX_RST));
      assertEquals(0, p.alloc.live(), "buffers held after the cycles (TIME-WAIT holds none)");
    }
  }

  @Test
  void serverClosingFirstTakesANewSynIntoItsTimeWaitByTimestamp() throws Exception {
    try (TcpPair p = new TcpPair(HOLD_ALL, HOLD_ALL)) {
      TcpLayer.Listener l = p.b.listen(7);
      for (int i = 0; i < CYCLES; i++) {
        cycle(p, l, false);
      }
      assertEquals(0, p.a.counters().get(TcpCounter.CONNECT_NO_PORT));
      assertEquals(CYCLES, p.b.counters().get(TcpCounter.CONNECTIONS_OPENED_PASSIVE));
      assertTrue(p.b.counters().get(TcpCounter.TIME_WAIT_REUSED) >= CYCLES - PORTS,
          "reused " + p.b.counters().get(TcpCounter.TIME_WAIT_REUSED));
      assertEquals(0, p.a.connectionCount());
      assertTrue(p.b.timeWaitCount() <= PORTS, "TIME-WAIT " + p.b.timeWaitCount());
      assertEquals(0, p.a.counters().get(TcpCounter.TX_RST) + p.b.counters().get(TcpCounter.TX_RST));
    }
  }

  @Test
  void withTheDefaultTimeWaitBoundTheOldestIsRecycledAndPortsNeverRunOut() throws Exception {
    // No virtual time passes: reuse is never allowed (nothing was quiet for a second), so only the
    // bound of 4,096 TIME-WAIT connections keeps ports free.
    try (TcpPair p = new TcpPair(TcpSettings.DEFAULTS.withSecret(5), TcpSettings.DEFAULTS.withSecret(6))) {
      TcpLayer.Listener l = p.b.listen(7);
      int cycles = 3 * PORTS;
      for (int i = 0; i < cycles; i++) {
        CompletableFuture<TcpConnection> f = p.connect(p.a, 7);
        TcpConnection client = f.join();
        TcpConnection server = TcpPair.accept(l);
        p.close(client);
        p.close(server);
      }
      assertEquals(0, p.a.counters().get(TcpCounter.CONNECT_NO_PORT));
      assertEquals(0, p.a.counters().get(TcpCounter.TIME_WAIT_REUSED));
      assertEquals(TcpSettings.DEFAULTS.maxTimeWait(), p.a.timeWaitCount());
      assertEquals(cycles - TcpSettings.DEFAULTS.maxTimeWait(), p.a.counters().get(TcpCounter.TIME_WAIT_OVERFLOW));
    }
  }

  @Test
  void whenTimeWaitHoldsEveryPortAndNoneIsSafeToReuseConnectIsRefusedAndCounted() throws Exception {
    try (TcpPair p = new TcpPair(HOLD_ALL, HOLD_ALL)) {
      TcpLayer.Listener l = p.b.listen(7);
      for (int i = 0; i < PORTS; i++) {
        TcpConnection client = p.connect(p.a, 7).join();
        TcpConnection server = TcpPair.accept(l);
        p.close(client);
        p.close(server);
      }
      assertEquals(PORTS, p.a.timeWaitCount());
      CompletableFuture<TcpConnection> f = p.connect(p.a, 7);
      assertTrue(f.isCompletedExceptionally(), "no port: each was heard from less than a second ago");
      assertEquals(1, p.a.counters().get(TcpCounter.CONNECT_NO_PORT));
      p.advance(Duration.ofSeconds(1));
      TcpConnection again = p.connect(p.a, 7).join();
      assertEquals(TcpState.ESTABLISHED, again.state());
      assertEquals(1, p.a.counters().get(TcpCounter.TIME_WAIT_REUSED));
      assertEquals(TcpState.ESTABLISHED, TcpPair.accept(l).state());
    }
  }
}
