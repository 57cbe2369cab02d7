package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.TcpScript.seg;
import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static io.morgana.net.tcpip.wire.TcpPacket.RST;
import static io.morgana.net.tcpip.wire.TcpPacket.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.tcp.TcpScript.Out;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SYN cookies (RFC 4987 §3.6): a SYN flood fills the listener's half-open queue, after which SYNs
 * are answered statelessly; established connections and legitimate new ones survive it.
 */
class TcpSynCookieTest {

  private static final int PEER_ISS = 9_000_000;
  private static final TcpSettings BACKLOG_2 = TcpSettings.DEFAULTS.withSecret(11).withLimits(1000, 100, 2);

  private static int readAll(TcpScript s, TcpConnection c) {
    CompletableFuture<ByteBuf> f = new CompletableFuture<>();
    c.read(f, s.now);
    if (!f.isDone()) {
      return 0;
    }
    ByteBuf b = f.join();
    int n = b.readableBytes();
    b.release();
    return n;
  }

  @Test
  void rfc4987_3_6_anAckToOurCookieWinsOverAHalfOpenConnectionARetransmittedSynMadeMeanwhile() throws Exception {
    try (TcpScript s = new TcpScript(BACKLOG_2)) {
      s.listener(80);
      s.inject(seg(SYN, 41000, 80).seq(PEER_ISS).options(new TcpOptions().mss(1460)));
      s.inject(seg(SYN, 41001, 80).seq(PEER_ISS).options(new TcpOptions().mss(1460)));
      Out first = s.expect();
      s.expect();
      // The half-open queue is full: the SYN from 50000 gets a cookie.
      s.inject(seg(SYN, 50000, 80).seq(PEER_ISS).options(new TcpOptions().mss(1460)));
      Out cookie = s.expect();
      assertEquals(1, s.tcp.counters().get(TcpCounter.SYN_COOKIES_SENT));
      // 41000 completes its handshake, which frees a slot; 50000's SYN, sent again before the
      // cookie arrived, takes it and gets a SYN-ACK of its own.
      s.inject(seg(ACK, 41000, 80).seq(PEER_ISS + 1).ack(first.seq + 1));
      s.inject(seg(SYN, 50000, 80).seq(PEER_ISS).options(new TcpOptions().mss(1460)));
      Out second = s.expect();
      assertEquals(SYN | ACK, second.flags);
      assertTrue(second.seq != cookie.seq);
      // The peer had the cookie first and completes that handshake.
      s.inject(seg(ACK, 50000, 80).seq(PEER_ISS + 1).ack(cookie.seq + 1).data(new byte[10]));
      assertEquals(0, s.tcp.counters().get(TcpCounter.TX_RST), "no reset of the peer's connection");
      assertEquals(1, s.tcp.counters().get(TcpCounter.SYN_COOKIES_ACCEPTED));
      TcpConnection c = s.tcp.connection(TcpScript.PEER, 50000, 80);
      assertEquals(TcpState.ESTABLISHED, c.state());
      assertEquals(10, readAll(s, c));
    }
  }

  @Test
  void rfc4987_3_6_aSynFloodNeitherStopsEstablishedConnectionsNorLegitimateNewOnes() throws Exception {
    try (TcpScript s = new TcpScript(BACKLOG_2)) {
      TcpConnection old = s.acceptFrom(39999, 80, PEER_ISS, new TcpOptions().mss(1460));
      // The flood: 500 SYNs from spoofed ports that never answer.
      for (int i = 0; i < 500; i++) {
        s.inject(seg(SYN, 41000 + i, 80).seq(PEER_ISS + i).options(new TcpOptions().mss(1460)));
      }
      int synAcks = 0;
      Out o;
      while ((o = s.ip.sent.poll()) != null) {
        assertEquals(SYN | ACK, o.flags);
        synAcks++;
      }
      assertEquals(500, synAcks, "every SYN is answered");
      assertEquals(498, s.tcp.counters().get(TcpCounter.SYN_COOKIES_SENT));
      assertEquals(3, s.tcp.connectionCount(), "the flood holds only the two half-open slots");

      // A legitimate client completes the handshake through the cookie and sends data at once.
      s.inject(seg(SYN, 50000, 80).seq(PEER_ISS).options(new TcpOptions().mss(1400).windowScale(7)));
      Out cookie = s.expect();
      assertEquals(SYN | ACK, cookie.flags);
      assertEquals(1460, cookie.options.mss());
      assertEquals(TcpOptions.ABSENT, cookie.options.windowScale(), "no state, so no window scaling");
      CompletableFuture<TcpConnection> accepted = new CompletableFuture<>();
      s.listener(80).accept(accepted);
      s.after(30_000);
      s.inject(seg(ACK, 50000, 80).seq(PEER_ISS + 1).ack(cookie.seq + 1).data(new byte[100]));
      assertTrue(accepted.isDone(), "accepted from the cookie");
      TcpConnection fresh = accepted.join();
      assertEquals(TcpState.ESTABLISHED, fresh.state());
      assertEquals(1380, fresh.sendMss(), "the cookie's MSS: the largest of the table not above 1400");
      assertEquals(100, readAll(s, fresh));
      assertEquals(1, s.tcp.counters().get(TcpCounter.SYN_COOKIES_ACCEPTED));

      // The established connection is untouched.
      s.inject(seg(ACK, 39999, 80).seq(PEER_ISS + 1).ack(old.sndNxt).data(new byte[10]));
      assertEquals(10, readAll(s, old));
      assertEquals(TcpState.ESTABLISHED, old.state());
    }
  }

  @Test
  void rfc4987_3_6_aForgedOrStaleCookieGetsARstAndNoConnection() throws Exception {
    try (TcpScript s = new TcpScript(BACKLOG_2)) {
      s.listener(80);
      s.inject(seg(SYN, 41000, 80).seq(1));
      s.inject(seg(SYN, 41001, 80).seq(1));
      s.expect();
      s.expect();
      s.inject(seg(SYN, 50000, 80).seq(PEER_ISS));
      Out cookie = s.expect();
      s.inject(seg(ACK, 50000, 80).seq(PEER_ISS + 1).ack(cookie.seq + 2)); // forged: off by one
      assertTrue(s.expect().has(RST));
      s.inject(seg(ACK, 50001, 80).seq(PEER_ISS + 1).ack(cookie.seq + 1)); // another peer's cookie
      assertTrue(s.expect().has(RST));
      s.after(200_000); // past the cookie's two 64 s ticks
      s.ip.sent.clear(); // the half-open connections' SYN-ACK retransmissions meanwhile
      s.inject(seg(ACK, 50000, 80).seq(PEER_ISS + 1).ack(cookie.seq + 1));
      assertTrue(s.expect().has(RST), "a stale cookie");
      assertEquals(3, s.tcp.counters().get(TcpCounter.RX_BAD_COOKIES));
      assertEquals(0, s.tcp.counters().get(TcpCounter.SYN_COOKIES_ACCEPTED));
      assertFalse(s.tcp.connection(TcpScript.PEER, 50000, 80) != null, "no connection");
    }
  }
}
