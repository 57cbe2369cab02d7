package io.morgana.benchmarks.net;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TCP at scale on two Morgana stacks in one JVM (192.0.2.2 → 192.0.2.3) on an in-memory Ethernet
 * switch, over a deterministic loop in virtual time, through the blocking {@link Tcp}/{@link Flow}
 * API (this thread is the application and drives the loop).
 *
 * <ul>
 *   <li>{@code --mode=established}: opens {@code --connections} connections (spread over as many
 *       listening ports as the 16,384 ephemeral ports per peer port need), moves 16 bytes each
 *       way on each with content checked, and prints the heap per connection (one endpoint, its
 *       {@link Flow} included: both endpoints live in this JVM, the figure is half the heap per
 *       pair) and the pooled direct memory in use.
 *   <li>{@code --mode=active}: opens {@code --connections} idle connections as above, then makes
 *       {@code --exchanges} request/response exchanges (16 bytes each way) on one more
 *       connection, advancing virtual time 1 ms after each so that its timers (retransmission,
 *       delayed ACK) come due among the idle ones; prints the wall time per exchange — what the
 *       timers of a busy connection cost a stack that also holds many idle ones.
 *   <li>{@code --mode=cycles}: {@code --cycles} connect/write/read/close cycles from one address
 *       to one port, the client closing first (then as many with the server closing first),
 *       {@code --cycle-us} of virtual time apart, with TIME-WAIT allowed to hold every ephemeral
 *       port: prints the counters that show ports were never exhausted.
 * </ul>
 *
 * <p>Usage: {@code java -Xmx2g -cp benchmarks.jar io.morgana.benchmarks.net.TcpScale
 * --mode=established [--connections=100000]}, {@code --mode=active [--connections=100000]
 * [--exchanges=20000]} or {@code --mode=cycles [--cycles=1000000] [--cycle-us=100]}. One line of {@code key=value} pairs per result.
 */
public final class TcpScale {

  private static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.3");
  private static final int PORTS_PER_PEER_PORT = 16_384;

  private TcpScale() {}

  public static void main(String[] args) throws Exception {
    String mode = "established";
    int connections = 100_000;
    int cycles = 1_000_000;
    int exchanges = 20_000;
    long cycleMicros = 100;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        usage("not key=value: " + a);
      }
      switch (kv[0]) {
        case "--mode" -> mode = kv[1];
        case "--connections" -> connections = Integer.parseInt(kv[1]);
        case "--cycles" -> cycles = Integer.parseInt(kv[1]);
        case "--cycle-us" -> cycleMicros = Long.parseLong(kv[1]);
        case "--exchanges" -> exchanges = Integer.parseInt(kv[1]);
        default -> usage("unknown option " + kv[0]);
      }
    }
    switch (mode) {
      case "established" -> established(connections);
      case "active" -> active(connections, exchanges);
      case "cycles" -> {
        cycles(cycles, cycleMicros, true);
        cycles(cycles, cycleMicros, false);
      }
      default -> usage("unknown mode " + mode);
    }
  }

  /** Two stacks on one switch and loop. */
  private record Pair(DeterministicLoop loop, EthernetSwitch sw, TcpipStack client, TcpipStack server)
      implements AutoCloseable {
    static Pair of(TcpSettings settings) {
      DeterministicLoop loop = new DeterministicLoop();
      EthernetSwitch sw = new EthernetSwitch(loop);
      PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
      TcpipStack c = new TcpipStack(sw.newPort(), loop, Ipv4Config.of("192.0.2.2/24", null), alloc, settings);
      TcpipStack s = new TcpipStack(sw.newPort(), loop, Ipv4Config.of("192.0.2.3/24", null), alloc, settings);
      return new Pair(loop, sw, c, s);
    }

    @Override
    public void close() {
      client.close();
      server.close();
      sw.close();
      loop.runUntilIdle();
    }
  }

  private static void established(int n) throws Exception {
    int ports = (n + PORTS_PER_PEER_PORT - 1) / PORTS_PER_PEER_PORT;
    TcpSettings settings = TcpSettings.DEFAULTS.withLimits(Math.max(n, 1) + 16, 4_096, 1_024);
    long before = heapAfterGc();
    long start = System.nanoTime();
    List<Flow> flows = new ArrayList<>(2 * n);
    try (Pair p = Pair.of(settings)) {
      Tcp.Listener[] listeners = new Tcp.Listener[ports];
      for (int i = 0; i < ports; i++) {
        listeners[i] = p.server.tcp().listen(1_000 + i);
      }
      for (int i = 0; i < n; i++) {
        int port = i % ports;
        Flow c = p.client.tcp().connect(new Endpoint(SERVER, 1_000 + port), Duration.ofSeconds(10));
        Flow s = listeners[port].accept();
        exchange(c, s, i);
        flows.add(c);
        flows.add(s);
      }
      p.loop.advance(Duration.ofSeconds(1)); // delayed ACKs out
      long opened = System.nanoTime() - start;
      long after = heapAfterGc();
      int table = p.client.tcpLayer().connectionCount() + p.server.tcpLayer().connectionCount();
      System.out.printf("mode=established connections=%d established_in_tables=%d listening_ports=%d "
              + "heap_bytes=%d heap_per_connection=%d direct_in_use=%d pooled_direct_buffers=%d "
              + "wall_seconds=%.1f%n",
          n, table, ports, after - before, (after - before) / Math.max(1, 2L * n),
          PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(), activeDirectAllocations(),
          opened / 1e9);
      if (table != 2 * n) {
        throw new IllegalStateException("expected " + 2 * n + " connections in the tables, found " + table);
      }
      for (Flow f : flows) {
        f.abort();
      }
    }
  }

  private static void active(int n, int exchanges) throws Exception {
    int ports = (n + PORTS_PER_PEER_PORT - 1) / PORTS_PER_PEER_PORT;
    TcpSettings settings = TcpSettings.DEFAULTS.withLimits(Math.max(n, 1) + 16, 4_096, 1_024);
    List<Flow> flows = new ArrayList<>(2 * n + 2);
    try (Pair p = Pair.of(settings)) {
      Tcp.Listener[] listeners = new Tcp.Listener[ports];
      for (int i = 0; i < ports; i++) {
        listeners[i] = p.server.tcp().listen(1_000 + i);
      }
      for (int i = 0; i < n; i++) {
        int port = i % ports;
        flows.add(p.client.tcp().connect(new Endpoint(SERVER, 1_000 + port), Duration.ofSeconds(10)));
        flows.add(listeners[port].accept());
      }
      p.loop.advance(Duration.ofSeconds(1));
      Tcp.Listener busy = p.server.tcp().listen(999);
      Flow c = p.client.tcp().connect(new Endpoint(SERVER, 999), Duration.ofSeconds(10));
      Flow s = busy.accept();
      flows.add(c);
      flows.add(s);
      int warmup = Math.min(exchanges, 2_000);
      for (int i = 0; i < warmup; i++) {
        exchange(c, s, i);
        p.loop.advance(Duration.ofMillis(1));
      }
      long start = System.nanoTime();
      for (int i = 0; i < exchanges; i++) {
        exchange(c, s, i);
        p.loop.advance(Duration.ofMillis(1));
      }
      long wall = System.nanoTime() - start;
      System.out.printf("mode=active idle_connections=%d exchanges=%d virtual_ms_apart=1 wall_seconds=%.2f "
              + "wall_us_per_exchange=%.1f%n",
          2 * n, exchanges, wall / 1e9, wall / 1e3 / exchanges);
      for (Flow f : flows) {
        f.abort();
      }
    }
  }

  /** 16 bytes each way, content checked. */
  private static void exchange(Flow c, Flow s, int i) throws IOException {
    byte[] m = String.format("%016d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    c.write(Unpooled.wrappedBuffer(m));
    expect(s, m);
    s.write(Unpooled.wrappedBuffer(m));
    expect(c, m);
  }

  private static void expect(Flow f, byte[] m) throws IOException {
    byte[] got = new byte[0];
    while (got.length < m.length) {
      ByteBuf b = f.read();
      if (b == null) {
        throw new IOException("end of stream before " + m.length + " bytes on " + f);
      }
      int old = got.length;
      got = Arrays.copyOf(got, old + b.readableBytes());
      b.readBytes(got, old, b.readableBytes());
      b.release();
    }
    if (!Arrays.equals(got, m)) {
      throw new IOException("wrong bytes on " + f);
    }
  }

  private static void cycles(int cycles, long cycleMicros, boolean clientFirst) throws Exception {
    TcpSettings settings = TcpSettings.DEFAULTS.withLimits(65_536, 65_536, 128);
    long start = System.nanoTime();
    int failed = 0;
    try (Pair p = Pair.of(settings)) {
      Tcp.Listener l = p.server.tcp().listen(7);
      Endpoint to = new Endpoint(SERVER, 7);
      for (int i = 0; i < cycles; i++) {
        Flow c;
        try {
          c = p.client.tcp().connect(to, Duration.ofSeconds(10));
        } catch (IOException e) {
          failed++;
          continue;
        }
        Flow s = l.accept();
        exchange(c, s, i);
        Flow first = clientFirst ? c : s;
        Flow second = clientFirst ? s : c;
        first.close();
        if (second.read() != null) {
          throw new IOException("data after the exchange on " + second);
        }
        second.close();
        p.loop.advance(Duration.ofNanos(cycleMicros * 1_000));
      }
      long wall = System.nanoTime() - start;
      var cs = p.client.stats();
      var ss = p.server.stats();
      System.out.printf("mode=cycles closer=%s cycles=%d connect_failures=%d opened_active=%d opened_passive=%d "
              + "connect_no_port=%d client_time_wait_reused=%d server_time_wait_reused=%d "
              + "time_wait_overflow=%d client_time_wait=%d server_time_wait=%d virtual_seconds=%.1f "
              + "wall_seconds=%.1f%n",
          clientFirst ? "client" : "server", cycles, failed, cs.get(TcpCounter.CONNECTIONS_OPENED_ACTIVE),
          ss.get(TcpCounter.CONNECTIONS_OPENED_PASSIVE), cs.get(TcpCounter.CONNECT_NO_PORT),
          cs.get(TcpCounter.TIME_WAIT_REUSED), ss.get(TcpCounter.TIME_WAIT_REUSED),
          cs.get(TcpCounter.TIME_WAIT_OVERFLOW) + ss.get(TcpCounter.TIME_WAIT_OVERFLOW),
          p.client.tcpLayer().timeWaitCount(), p.server.tcpLayer().timeWaitCount(), p.loop.nowNanos() / 1e9,
          wall / 1e9);
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long activeDirectAllocations() {
    long n = 0;
    for (var arena : PooledByteBufAllocator.DEFAULT.metric().directArenas()) {
      n += arena.numActiveAllocations();
    }
    return n;
  }

  private static void usage(String why) {
    System.err.println(why);
    System.err.println("usage: TcpScale --mode=established [--connections=100000] | --mode=cycles "
        + "[--cycles=1000000] [--cycle-us=100] | --mode=active [--connections=100000] [--exchanges=20000]");
    System.exit(2);
  }
}
