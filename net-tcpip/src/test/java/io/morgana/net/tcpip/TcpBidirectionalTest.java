package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.Harness.ip;
import static io.morgana.net.tcpip.Harness.pattern;
import static io.morgana.net.tcpip.TcpTwoStacksTest.readAll;
import static io.morgana.net.tcpip.TcpTwoStacksTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.morgana.testkit.FaultInjectingNetif;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Large transfers in both directions at once on one connection (RFC 9293 §3.8.6: each side's
 * window opens as its application reads while its own data, carrying ACKs, flows the other way).
 * Both sides write 8 MiB while reading; the run is deterministic (virtual time, one switch).
 */
class TcpBidirectionalTest {

  private static final int SIZE = 8 << 20;
  private static final int SMALL = 2 << 20;
  private static final int CHUNK = 64 * 1024;

  /** Writes {@code data} in chunks, then shuts the output down. */
  private static Void writeAll(Flow f, byte[] data) throws Exception {
    for (int off = 0; off < data.length; off += CHUNK) {
      f.write(Unpooled.wrappedBuffer(data, off, Math.min(CHUNK, data.length - off)));
    }
    f.shutdownOutput();
    return null;
  }

  private static void bothWays(TcpSettings settings, int mtu, double loss, int size) throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(MacAddress.parse("02:00:00:00:00:02"), mtu),
          "192.0.2.2/24", settings);
      Netif bPort = h.ethernetSwitch.newPort(MacAddress.parse("02:00:00:00:00:03"), mtu);
      if (loss > 0) {
        bPort = FaultInjectingNetif.builder(bPort, h.loop).seed(size + mtu).drop(loss)
            .reorder(loss, Duration.ofMillis(5)).build();
      }
      TcpipStack b = h.tcpStack(bPort, "192.0.2.3/24", settings);
      long start = h.loop.nowNanos();
      byte[] fromA = pattern(size, 1);
      byte[] fromB = pattern(size, 2);
      Tcp.Listener l = b.tcp().listen(5001);
      CompletionStage<Flow> accepted = h.loop.offload(l::accept);
      Flow fa = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 5001), Duration.ofSeconds(5));
      Flow fb = h.loop.join("accept", accepted.toCompletableFuture());
      l.close();
      CompletionStage<Void> aWrites = h.loop.offload(() -> writeAll(fa, fromA));
      CompletionStage<Void> bWrites = h.loop.offload(() -> writeAll(fb, fromB));
      CompletionStage<byte[]> bReads = h.loop.offload(() -> readAll(fb));
      byte[] atA;
      byte[] atB;
      try {
        atA = readAll(fa);
        atB = h.loop.join("read B", bReads.toCompletableFuture());
      } catch (IllegalStateException stalled) {
        int port = fa.localEndpoint().port();
        throw new AssertionError("stalled: A " + a.tcpLayer().connection(ip("192.0.2.3").toInt(), 5001, port).describe()
            + "; B " + b.tcpLayer().connection(ip("192.0.2.2").toInt(), port, 5001).describe(), stalled);
      }
      h.loop.join("write A", aWrites.toCompletableFuture());
      h.loop.join("write B", bWrites.toCompletableFuture());
      assertArrayEquals(sha256(fromB), sha256(atA), "B to A");
      assertArrayEquals(sha256(fromA), sha256(atB), "A to B");
      System.out.printf("both ways %d bytes, mtu %d, loss %.2f: %d ms virtual; A %s; B %s%n", size, mtu, loss,
          (h.loop.nowNanos() - start) / 1_000_000, a.stats().nonZero(), b.stats().nonZero());
      fa.close();
      fb.close();
      h.advance(Duration.ofSeconds(61));
      assertEquals(0, a.tcpLayer().connectionCount());
      assertEquals(0, b.tcpLayer().connectionCount());
    }
  }

  @Test
  void rfc9293_3_8_6_eightMebibytesEachWayAtOnceArriveIntact() throws Exception {
    bothWays(TcpSettings.DEFAULTS.withSecret(3), 1500, 0, SIZE);
  }

  @Test
  void rfc9293_3_8_6_twoMebibytesEachWayWithSmallBuffersAndNagleOff() throws Exception {
    bothWays(TcpSettings.DEFAULTS.withSecret(4).withBuffers(16 * 1024, 16 * 1024).withNagle(false), 9000, 0, SMALL);
  }

  @Test
  void rfc9293_3_8_6_bothWaysAtOnceThroughLossAndReordering() throws Exception {
    bothWays(TcpSettings.DEFAULTS.withSecret(5), 1500, 0.02, 2 << 20);
  }
}
