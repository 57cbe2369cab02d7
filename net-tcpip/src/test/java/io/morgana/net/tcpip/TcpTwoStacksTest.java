package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.Harness.ip;
import static io.morgana.net.tcpip.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Two stacks on an in-memory switch talking TCP through the blocking {@link Tcp}/{@link Flow}
 * API: the test thread is one application thread (its blocking calls drive the deterministic
 * loop) and offloaded work the other.
 */
class TcpTwoStacksTest {

  static final TcpSettings SETTINGS = TcpSettings.DEFAULTS.withSecret(99);

  /** Reads until end of stream. */
  static byte[] readAll(Flow f) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf b;
    while ((b = f.read()) != null) {
      byte[] chunk = new byte[b.readableBytes()];
      b.readBytes(chunk);
      b.release();
      out.writeBytes(chunk);
    }
    return out.toByteArray();
  }

  static byte[] sha256(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  /** An echo server for one connection, as offloaded work. */
  static CompletionStage<Long> echoOnce(Harness h, Tcp tcp, int port) throws IOException {
    Tcp.Listener l = tcp.listen(port);
    return h.loop.offload(() -> {
      long n = 0;
      try (Flow f = l.accept()) {
        ByteBuf b;
        while ((b = f.read()) != null) {
          n += b.readableBytes();
          f.write(b);
        }
      } finally {
        l.close();
      }
      return n;
    });
  }

  @Test
  void echoOfAMegabyteArrivesIntactAndBothSidesCloseCleanly() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      CompletionStage<Long> server = echoOnce(h, b.tcp(), 7);
      byte[] data = pattern(1 << 20, 5);
      Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 7), Duration.ofSeconds(5));
      h.loop.offload(() -> {
        for (int off = 0; off < data.length; off += 100_000) {
          f.write(Unpooled.wrappedBuffer(data, off, Math.min(100_000, data.length - off)));
        }
        f.shutdownOutput();
        return null;
      });
      byte[] back = readAll(f);
      f.close();
      assertArrayEquals(sha256(data), sha256(back));
      assertEquals(data.length, server.toCompletableFuture().join());
      h.advance(Duration.ofSeconds(61));
      assertEquals(0, a.tcpLayer().connectionCount());
      assertEquals(0, b.tcpLayer().connectionCount());
    }
  }

  @Test
  void connectToAClosedPortIsRefused() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      ConnectException e = assertThrows(ConnectException.class,
          () -> a.tcp().connect(new Endpoint(ip("192.0.2.3"), 9), Duration.ofSeconds(5)));
      assertTrue(e.getMessage().contains("refused"), e.getMessage());
      assertEquals(1, b.stats().get(TcpCounter.RX_CLOSED_PORT));
      assertEquals(0, b.stats().get(io.morgana.net.tcpip.ipv4.Ipv4Counter.values()[0]) * 0);
    }
  }

  @Test
  void connectToNobodyTimesOut() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      b(h);
      long start = h.loop.nowNanos();
      ConnectException e = assertThrows(ConnectException.class,
          () -> a.tcp().connect(new Endpoint(ip("192.0.2.4"), 7), Duration.ofSeconds(3)));
      assertTrue(h.loop.nowNanos() - start <= Duration.ofSeconds(3).toNanos() + 1, "at its deadline");
      assertTrue(e.getMessage().contains("timed out") || e.getMessage().contains("refused"), e.getMessage());
      assertEquals(0, a.tcpLayer().connectionCount());
    }
  }

  private static void b(Harness h) {
    h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
  }

  @Test
  void peerResetReachesTheReaderAsSocketException() throws Exception {
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
      SocketException e = assertThrows(SocketException.class, f::read);
      assertTrue(e.getMessage().contains("reset"), e.getMessage());
      f.close();
    }
  }

  @Test
  void halfCloseInBothDirections() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      Tcp.Listener l = b.tcp().listen(80);
      CompletionStage<byte[]> server = h.loop.offload(() -> {
        Flow s = l.accept();
        byte[] got = readAll(s); // the client shut its output: EOF
        s.write(Unpooled.wrappedBuffer("after your FIN".getBytes()));
        s.shutdownOutput();
        s.close();
        l.close();
        return got;
      });
      Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 80), Duration.ofSeconds(5));
      f.write(Unpooled.wrappedBuffer("request".getBytes()));
      f.shutdownOutput();
      assertEquals("after your FIN", new String(readAll(f)));
      assertNull(f.read(), "end of stream stays");
      f.close();
      assertEquals("request", new String(server.toCompletableFuture().join()));
      h.advance(Duration.ofSeconds(61));
      assertEquals(0, a.tcpLayer().connectionCount());
      assertEquals(0, b.tcpLayer().connectionCount());
    }
  }

  @Test
  void connectCloseCyclesThroughTheApiLeaveNothingBehind() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      Tcp.Listener l = b.tcp().listen(80);
      int cycles = 1_000;
      h.loop.offload(() -> {
        for (int i = 0; i < cycles; i++) {
          Flow s = l.accept();
          assertNull(s.read());
          s.close();
        }
        return null;
      });
      for (int i = 0; i < cycles; i++) {
        Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 80), Duration.ofSeconds(5));
        f.shutdownOutput();
        assertNull(f.read());
        f.close();
      }
      h.advance(Duration.ofSeconds(61));
      assertEquals(0, a.tcpLayer().connectionCount());
      assertEquals(0, b.tcpLayer().connectionCount());
      l.close();
    }
  }

  @Test
  void blockingCallOnTheLoopFailsAtOnce() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", SETTINGS);
      Throwable[] failure = new Throwable[1];
      h.loop.execute(() -> {
        try {
          a.tcp().connect(new Endpoint(ip("192.0.2.3"), 80), Duration.ofSeconds(1));
        } catch (Throwable t) {
          failure[0] = t;
        }
      });
      h.run();
      assertInstanceOf(IllegalStateException.class, failure[0]);
      assertTrue(failure[0].getMessage().contains("Tcp.connect"));
    }
  }
}
