package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.TcpScript.seg;
import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static io.morgana.net.tcpip.wire.TcpPacket.RST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.tcp.TcpScript.Out;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Keep-alive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) and the user timeout (RFC 9293 §3.8.3, RFC 5482). */
class TcpKeepAliveTest {

  private static final int PEER_ISS = 3_000_000;
  private static final TcpOptions MSS = new TcpOptions().mss(1460);

  private static CompletableFuture<ByteBuf> pendingRead(TcpScript s, TcpConnection c) {
    CompletableFuture<ByteBuf> f = new CompletableFuture<>();
    c.read(f, s.now);
    return f;
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isDone(), "the waiting call completed");
    try {
      f.get();
      throw new AssertionError("completed normally");
    } catch (ExecutionException | InterruptedException e) {
      return e.getCause();
    }
  }

  @Test
  void rfc1122_4_2_3_6_keepAliveIsOffByDefault() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS);
      s.after(3 * 3600 * 1000);
      s.expectNothing();
      assertEquals(TcpState.ESTABLISHED, c.state());
    }
  }

  @Test
  void rfc9293_3_8_4_idleConnectionIsProbedAndAnAnswerKeepsItOpen() throws Exception {
    TcpSettings settings = TcpSettings.DEFAULTS.withSecret(5).withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(1), 3);
    try (TcpScript s = new TcpScript(settings)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS);
      s.after(9_999);
      s.expectNothing();
      s.after(1);
      Out probe = s.expect();
      assertEquals(c.sndUna - 1, probe.seq, "SEG.SEQ = SND.NXT - 1: the peer must answer");
      assertEquals(0, probe.data.length);
      assertEquals(PEER_ISS + 1, probe.ack);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(c.sndNxt)); // the answer
      s.after(9_999);
      s.expectNothing(); // idle starts over from the answer
      s.after(1);
      assertEquals(c.sndUna - 1, s.expect().seq);
      assertEquals(TcpState.ESTABLISHED, c.state());
      assertEquals(2, s.tcp.counters().get(TcpCounter.TX_KEEPALIVE_PROBES));
    }
  }

  @Test
  void rfc9293_3_8_4_unansweredProbesTimeTheConnectionOut() throws Exception {
    TcpSettings settings = TcpSettings.DEFAULTS.withSecret(5).withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(1), 3);
    try (TcpScript s = new TcpScript(settings)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS);
      CompletableFuture<ByteBuf> read = pendingRead(s, c);
      s.after(10_000);
      s.expect();
      s.after(1_000);
      s.expect();
      s.after(1_000);
      s.expect();
      assertEquals(TcpState.ESTABLISHED, c.state(), "three probes sent, the last not yet overdue");
      s.after(1_000);
      Out rst = s.expect();
      assertTrue(rst.has(RST), rst.toString());
      assertEquals(TcpState.CLOSED, c.state());
      assertInstanceOf(SocketTimeoutException.class, failure(read));
      assertTrue(failure(read).getMessage().contains("keep-alive"), failure(read).getMessage());
      assertEquals(1, s.tcp.counters().get(TcpCounter.CONNECTIONS_TIMED_OUT));
    }
  }

  @Test
  void rfc9293_3_8_4_keepAliveIsConfigurablePerConnection() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS);
      c.keepAlive(Duration.ofSeconds(30), Duration.ofSeconds(5), 2);
      s.after(30_000);
      assertEquals(c.sndUna - 1, s.expect().seq);
      c.keepAlive(Duration.ZERO, Duration.ofSeconds(5), 2);
      s.after(3600 * 1000);
      s.expectNothing();
      assertEquals(TcpState.ESTABLISHED, c.state());
    }
  }

  @Test
  void rfc5482_userTimeoutEndsAConnectionWhoseDataStaysUnacknowledged() throws Exception {
    // 12 retransmissions would take minutes; the user timeout of 5 s replaces the count.
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(5).withUserTimeout(Duration.ofSeconds(5)))) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS);
      CompletableFuture<Void> w = new CompletableFuture<>();
      c.write(Unpooled.wrappedBuffer(new byte[100]), w, s.now);
      CompletableFuture<ByteBuf> read = pendingRead(s, c);
      assertEquals(100, s.expect().data.length);
      s.after(4_999);
      assertEquals(TcpState.ESTABLISHED, c.state(), "retransmitting, within the user timeout");
      s.after(1);
      assertEquals(TcpState.CLOSED, c.state());
      SocketTimeoutException e = assertInstanceOf(SocketTimeoutException.class, failure(read));
      assertTrue(e.getMessage().contains("user timeout"), e.getMessage());
      assertTrue(s.tcp.counters().get(TcpCounter.TX_RETRANSMITS) >= 2, "it retransmitted meanwhile");
    }
  }

  @Test
  void rfc5482_userTimeoutCountsFromTheLastProgress() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS);
      c.userTimeout(Duration.ofSeconds(5));
      c.nagle(false);
      CompletableFuture<Void> w = new CompletableFuture<>();
      c.write(Unpooled.wrappedBuffer(new byte[200]), w, s.now);
      Out first = s.expect();
      s.after(4_000);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(first.seq + 100)); // half of it: progress
      s.after(4_000);
      assertEquals(TcpState.ESTABLISHED, c.state(), "8 s since the write, 4 s since the progress");
      s.after(1_000);
      assertEquals(TcpState.CLOSED, c.state());
    }
  }
}
