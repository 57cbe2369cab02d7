package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.Harness.ip;
import static io.morgana.net.tcpip.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.netty.buffer.Unpooled;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * {@code Flow.write}'s write-behind ({@code TcpService}): a write that the send buffer is bound
 * to hold returns without waiting for the loop; beyond that bound a write waits (back-pressure);
 * every byte still arrives once and in order; a reset still reaches the writer; write-behind is
 * charged to the stack's send budget, and a write that the budget cannot take waits. The test
 * thread is the writer: on a deterministic loop, only its blocking calls turn the loop, so
 * "returned without waiting" shows as "nothing was sent yet".
 */
class TcpWriteBehindTest {

  private static final int SEND_BUFFER = 64 * 1024;
  private static final TcpSettings SETTINGS =
      TcpSettings.DEFAULTS.withSecret(99).withBuffers(SEND_BUFFER, 256 * 1024);

  /** Reads everything until end of stream, as offloaded work. */
  private static CompletionStage<byte[]> sinkOnce(Harness h, Tcp tcp, int port) throws Exception {
    Tcp.Listener l = tcp.listen(port);
    return h.loop.offload(() -> {
      try (Flow f = l.accept()) {
        return TcpTwoStacksTest.readAll(f);
      } finally {
        l.close();
      }
    });
  }

  @Test
  void writesWithinTheSendBufferReturnWithoutTheLoop_beyondItTheWriterWaits_allArriveInOrder()
      throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      CompletionStage<byte[]> received = sinkOnce(h, b.tcp(), 9);
      Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 9), Duration.ofSeconds(5));
      byte[] data = pattern(SEND_BUFFER + 100_000, 11);
      long sentBefore = a.tcpLayer().counters().get(TcpCounter.TX_SEGMENTS);

      int chunk = 7_030; // chargen's block: writes do not line up with segments
      int off = 0;
      for (; off + chunk <= SEND_BUFFER; off += chunk) {
        f.write(Unpooled.wrappedBuffer(data, off, chunk));
      }
      assertEquals(sentBefore, a.tcpLayer().counters().get(TcpCounter.TX_SEGMENTS),
          "a write within the send buffer waited for the loop");

      for (; off < data.length; off += chunk) { // beyond the bound: these wait, turning the loop
        f.write(Unpooled.wrappedBuffer(data, off, Math.min(chunk, data.length - off)));
      }
      assertTrue(a.tcpLayer().counters().get(TcpCounter.TX_SEGMENTS) > sentBefore);
      f.shutdownOutput();
      TcpTwoStacksTest.readAll(f); // turns the loop until the sink has read everything and closed
      byte[] got = received.toCompletableFuture().join();
      assertArrayEquals(TcpTwoStacksTest.sha256(data), TcpTwoStacksTest.sha256(got));
      assertEquals(data.length, got.length);
      f.close();
    }
  }

  @Test
  void writeBehindIsChargedToTheSendBudget_aWriteBeyondItWaitsForTheLoop() throws Exception {
    TcpSettings budgeted = SETTINGS.withSendBudget(SEND_BUFFER);
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", budgeted);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      CompletionStage<byte[]> received1 = sinkOnce(h, b.tcp(), 9);
      CompletionStage<byte[]> received2 = sinkOnce(h, b.tcp(), 10);
      Flow f1 = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 9), Duration.ofSeconds(5));
      Flow f2 = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 10), Duration.ofSeconds(5));
      byte[] data1 = pattern(SEND_BUFFER, 12);
      byte[] data2 = pattern(1_000, 13);
      long sentBefore = a.tcpLayer().counters().get(TcpCounter.TX_SEGMENTS);

      for (int off = 0; off < SEND_BUFFER; off += 8_192) { // the whole budget, behind the loop's back
        f1.write(Unpooled.wrappedBuffer(data1, off, 8_192));
      }
      assertEquals(sentBefore, a.tcpLayer().counters().get(TcpCounter.TX_SEGMENTS),
          "writes within the send buffer and the budget waited for the loop");
      assertEquals(SEND_BUFFER, a.tcpLayer().sendHeld(), "write-behind charged on the writer's thread");

      f2.write(Unpooled.wrappedBuffer(data2)); // the budget is full: this one waits for the loop
      assertTrue(a.tcpLayer().counters().get(TcpCounter.TX_SEGMENTS) > sentBefore,
          "a write beyond the budget went behind the loop's back");

      f1.shutdownOutput();
      f2.shutdownOutput();
      TcpTwoStacksTest.readAll(f1);
      TcpTwoStacksTest.readAll(f2);
      assertArrayEquals(data1, received1.toCompletableFuture().join());
      assertArrayEquals(data2, received2.toCompletableFuture().join());
      f1.close();
      f2.close();
    }
  }

  @Test
  void aResetReachesTheWriter_writesHandedOverAfterItAreRefused() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      Tcp.Listener l = b.tcp().listen(80);
      h.loop.offload(() -> {
        Flow s = l.accept();
        s.abort();
        l.close();
        return null;
      });
      Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 80), Duration.ofSeconds(5));
      assertThrows(SocketException.class, f::read); // the RST has arrived
      SocketException e = assertThrows(SocketException.class,
          () -> f.write(Unpooled.wrappedBuffer(pattern(1_000, 3))));
      assertTrue(e.getMessage().contains("reset"), e.getMessage());
      f.close();
    }
  }

  @Test
  void aWriteAfterShutdownOutputThrows() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      CompletionStage<byte[]> received = sinkOnce(h, b.tcp(), 9);
      Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 9), Duration.ofSeconds(5));
      f.write(Unpooled.wrappedBuffer(pattern(1_000, 4)));
      f.shutdownOutput();
      assertThrows(SocketException.class, () -> f.write(Unpooled.wrappedBuffer(pattern(10, 5))));
      TcpTwoStacksTest.readAll(f); // turns the loop until the sink has read everything and closed
      assertArrayEquals(pattern(1_000, 4), received.toCompletableFuture().join());
      f.close();
    }
  }
}
