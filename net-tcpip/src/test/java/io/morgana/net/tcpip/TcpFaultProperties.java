package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.Harness.ip;
import static io.morgana.net.tcpip.Harness.pattern;
import static io.morgana.net.tcpip.TcpTwoStacksTest.readAll;
import static io.morgana.net.tcpip.TcpTwoStacksTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.MacAddress;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.morgana.testkit.FaultInjectingNetif;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Deterministic simulation: two stacks through the testkit's fault injector (loss up to 10 %,
 * duplication 5 %, reordering 10 %, corruption 1 %, both directions, MTU 576–9000) echo data
 * over TCP. Every byte arrives exactly once and in order (SHA-256 equal), both sides close
 * cleanly and forget the connection, in bounded virtual time, with no buffer leaked.
 */
class TcpFaultProperties {

  private static final AtomicLong retransmits = new AtomicLong();
  private static final TcpSettings SETTINGS = TcpSettings.DEFAULTS.withSecret(7);
  /** Virtual time a transfer may take at most. */
  private static final Duration BOUND = Duration.ofMinutes(10);

  /** The property is not vacuous: the faults made TCP retransmit. */
  @AfterContainer
  static void faultsHappened() {
    assertTrue(retransmits.get() > 0, "nothing was ever retransmitted: the faults did nothing");
  }

  private static FaultInjectingNetif lossy(Harness h, long seed, double loss, int mtu) {
    return FaultInjectingNetif.builder(h.ethernetSwitch.newPort(MacAddress.parse("02:00:00:00:00:03"), mtu), h.loop)
        .seed(seed).drop(loss).duplicate(0.05).reorder(0.10, Duration.ofMillis(5)).corrupt(0.01).build();
  }

  @Property(tries = 12, seed = "20261206")
  void rfc9293_echoThroughALossyLinkIsExactAndClosesCleanly(
      @ForAll long seed, @ForAll @DoubleRange(min = 0.0, max = 0.10) double loss,
      @ForAll @IntRange(min = 576, max = 9000) int mtu) throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(MacAddress.parse("02:00:00:00:00:02"), mtu),
          "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(lossy(h, seed, loss, mtu), "192.0.2.3/24", SETTINGS);
      long start = h.loop.nowNanos();
      CompletionStage<Long> server = TcpTwoStacksTest.echoOnce(h, b.tcp(), 7);
      byte[] data = pattern(150_000, (int) seed);
      Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 7), Duration.ofMinutes(5));
      h.loop.offload(() -> {
        for (int off = 0; off < data.length; off += 30_000) {
          f.write(Unpooled.wrappedBuffer(data, off, 30_000));
        }
        f.shutdownOutput();
        return null;
      });
      byte[] back;
      try {
        back = readAll(f);
      } catch (java.io.IOException e) {
        if (Boolean.getBoolean("morgana.tcp.debug")) {
          System.err.println("A " + a.stats().nonZero());
          System.err.println("B " + b.stats().nonZero());
        }
        throw e;
      }
      f.close();
      String why = "seed " + seed + " loss " + loss + " mtu " + mtu;
      assertArrayEquals(sha256(data), sha256(back), why);
      assertEquals(data.length, server.toCompletableFuture().join(), why);
      assertTrue(h.loop.nowNanos() - start < BOUND.toNanos(), why + ": took " + (h.loop.nowNanos() - start) + " ns");
      assertEquals(0, a.stats().get(io.morgana.net.tcpip.ipv4.Ipv4Counter.TX_DROP_FRAGMENTATION_NEEDED)
          + b.stats().get(io.morgana.net.tcpip.ipv4.Ipv4Counter.TX_DROP_FRAGMENTATION_NEEDED),
          why + ": no segment above the MTU (options included)");
      h.advance(Duration.ofMinutes(5));
      assertEquals(0, a.tcpLayer().connectionCount(), why);
      assertEquals(0, b.tcpLayer().connectionCount(), why);
      retransmits.addAndGet(a.stats().get(TcpCounter.TX_RETRANSMITS) + a.stats().get(TcpCounter.TX_FAST_RETRANSMITS)
          + b.stats().get(TcpCounter.TX_RETRANSMITS) + b.stats().get(TcpCounter.TX_FAST_RETRANSMITS));
    }
  }

  @Property(tries = 4, seed = "11")
  void rfc9293_manyConcurrentConnectionsThroughALossyLink(
      @ForAll long seed, @ForAll @DoubleRange(min = 0.0, max = 0.10) double loss) throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(MacAddress.parse("02:00:00:00:00:02"), 1500),
          "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(lossy(h, seed, loss, 1500), "192.0.2.3/24", SETTINGS);
      int n = 8;
      Tcp.Listener l = b.tcp().listen(7);
      for (int i = 0; i < n; i++) {
        h.loop.offload(() -> {
          try (Flow s = l.accept()) {
            ByteBuf x;
            while ((x = s.read()) != null) {
              s.write(x);
            }
          }
          return null;
        });
      }
      List<Flow> flows = new ArrayList<>();
      List<byte[]> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 7), Duration.ofMinutes(5));
        byte[] d = pattern(20_000, (int) seed + i);
        flows.add(f);
        sent.add(d);
        h.loop.offload(() -> {
          f.write(Unpooled.wrappedBuffer(d));
          f.shutdownOutput();
          return null;
        });
      }
      for (int i = 0; i < n; i++) {
        assertArrayEquals(sha256(sent.get(i)), sha256(readAll(flows.get(i))), "seed " + seed + " flow " + i);
        flows.get(i).close();
      }
      l.close();
      h.advance(Duration.ofMinutes(5));
      assertEquals(0, a.tcpLayer().connectionCount());
      assertEquals(0, b.tcpLayer().connectionCount());
    }
  }
}
