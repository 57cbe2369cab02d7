package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.TcpScript.seg;
import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static io.morgana.net.tcpip.wire.TcpPacket.FIN;
import static io.morgana.net.tcpip.wire.TcpPacket.PSH;
import static io.morgana.net.tcpip.wire.TcpPacket.RST;
import static io.morgana.net.tcpip.wire.TcpPacket.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.tcp.TcpScript.Out;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The state machine, one RFC clause per test, driven by scripted segments (see {@link TcpScript}). */
class TcpStateMachineTest {

  private static final int PEER_ISS = 1_000_000;
  private static final TcpOptions MSS_ONLY = new TcpOptions().mss(1460);

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private static ByteBuf buf(byte[] b) {
    return Unpooled.wrappedBuffer(b);
  }

  private static ByteBuf read(TcpScript s, TcpConnection c) throws Exception {
    CompletableFuture<ByteBuf> f = new CompletableFuture<>();
    c.read(f, s.now);
    return f.isDone() ? f.get() : null;
  }

  private static void write(TcpScript s, TcpConnection c, byte[] data) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    c.write(buf(data), f, s.now);
    assertTrue(f.isDone(), "write queued");
  }

  // ---------------------------------------------------------------- CLOSED

  @Test
  void rfc9293_3_10_7_1_synToClosedPortGetsRstAck() {
    try (TcpScript s = new TcpScript()) {
      s.inject(seg(SYN, 40000, 80).seq(PEER_ISS));
      Out rst = s.expect();
      assertEquals(RST | ACK, rst.flags);
      assertEquals(0, rst.seq);
      assertEquals(PEER_ISS + 1, rst.ack);
      assertEquals(80, rst.sourcePort);
      assertEquals(40000, rst.destinationPort);
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_CLOSED_PORT));
    }
  }

  @Test
  void rfc9293_3_10_7_1_ackToClosedPortGetsRstAtItsAck() {
    try (TcpScript s = new TcpScript()) {
      s.inject(seg(ACK, 40000, 80).seq(5).ack(777).data(bytes(10, 1)));
      Out rst = s.expect();
      assertEquals(RST, rst.flags);
      assertEquals(777, rst.seq);
    }
  }

  @Test
  void rfc9293_3_10_7_1_rstToClosedPortIsDropped() {
    try (TcpScript s = new TcpScript()) {
      s.inject(seg(RST, 40000, 80).seq(5));
      s.expectNothing();
    }
  }

  @Test
  void rfc9293_3_1_badChecksumIsDroppedAndCounted() {
    try (TcpScript s = new TcpScript()) {
      s.inject(seg(SYN, 40000, 80).seq(PEER_ISS).corrupt());
      s.expectNothing();
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_DROP_BAD_CHECKSUM));
    }
  }

  @Test
  void rfc1122_4_2_3_10_segmentToABroadcastAddressIsIgnored() {
    try (TcpScript s = new TcpScript()) {
      s.inject(seg(SYN, 40000, 80).seq(PEER_ISS).to(0xc00002ff));
      s.expectNothing();
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_DROP_NOT_UNICAST));
    }
  }

  // ---------------------------------------------------------------- opening

  @Test
  void rfc9293_3_5_passiveOpenAnswersWithOurOptionsAndEstablishes() throws Exception {
    try (TcpScript s = new TcpScript()) {
      s.listener(80);
      TcpOptions o = new TcpOptions().mss(1400).windowScale(7).timestamps(100, 0);
      s.inject(seg(SYN, 40000, 80).seq(PEER_ISS).win(64240).options(o));
      Out synAck = s.expect();
      assertEquals(SYN | ACK, synAck.flags);
      assertEquals(PEER_ISS + 1, synAck.ack);
      assertEquals(1460, synAck.options.mss());
      assertEquals(3, synAck.options.windowScale()); // 256 KiB needs a shift of 3
      assertTrue(synAck.options.hasTimestamps());
      assertEquals(100, synAck.options.timestampEcho());
      TcpConnection c = s.tcp.connection(TcpScript.PEER, 40000, 80);
      assertEquals(TcpState.SYN_RECEIVED, c.state());
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(synAck.seq + 1).win(502)
          .ts(true, 101, synAck.options.timestampValue()));
      assertEquals(TcpState.ESTABLISHED, c.state());
      assertEquals(502L << 7, c.sndWnd);
      assertEquals(1400 - 12, c.sendMss());
      CompletableFuture<TcpConnection> a = new CompletableFuture<>();
      s.listener(80).accept(a);
      assertEquals(c, a.get());
    }
  }

  @Test
  void rfc9293_3_10_7_2_ackInListenGetsRst() throws Exception {
    try (TcpScript s = new TcpScript()) {
      s.listener(80);
      s.inject(seg(ACK, 40000, 80).seq(5).ack(99));
      Out rst = s.expect();
      assertEquals(RST, rst.flags);
      assertEquals(99, rst.seq);
    }
  }

  @Test
  void rfc9293_3_10_7_3_activeOpenSendsSynAndAcksTheSynAck() throws Exception {
    try (TcpScript s = new TcpScript()) {
      CompletableFuture<TcpConnection> f = new CompletableFuture<>();
      s.tcp.connect(new Endpoint(Ipv4Address.parse("192.0.2.1"), 80), Long.MAX_VALUE, f, s.now);
      Out syn = s.expect();
      assertEquals(SYN, syn.flags);
      assertEquals(1460, syn.options.mss());
      assertTrue(syn.options.hasTimestamps());
      assertEquals(3, syn.options.windowScale());
      assertTrue(syn.sourcePort >= TcpLayer.EPHEMERAL_FIRST);
      assertFalse(f.isDone());
      s.inject(seg(SYN | ACK, 80, syn.sourcePort).seq(PEER_ISS).ack(syn.seq + 1).options(MSS_ONLY));
      Out ack = s.expect();
      assertEquals(ACK, ack.flags);
      assertEquals(PEER_ISS + 1, ack.ack);
      assertEquals(syn.seq + 1, ack.seq);
      assertFalse(ack.options.hasTimestamps(), "the peer did not agree to timestamps");
      assertTrue(f.isDone());
      assertEquals(TcpState.ESTABLISHED, f.get().state());
      assertEquals(1460, f.get().sendMss());
    }
  }

  @Test
  void rfc9293_3_5_simultaneousOpen() throws Exception {
    try (TcpScript s = new TcpScript()) {
      CompletableFuture<TcpConnection> f = new CompletableFuture<>();
      s.tcp.connect(new Endpoint(Ipv4Address.parse("192.0.2.1"), 5000), Long.MAX_VALUE, f, s.now);
      Out syn = s.expect();
      s.inject(seg(SYN, 5000, syn.sourcePort).seq(PEER_ISS).options(MSS_ONLY));
      Out synAck = s.expect();
      assertEquals(SYN | ACK, synAck.flags);
      assertEquals(syn.seq, synAck.seq);
      assertEquals(PEER_ISS + 1, synAck.ack);
      TcpConnection c = s.tcp.connection(TcpScript.PEER, 5000, syn.sourcePort);
      assertEquals(TcpState.SYN_RECEIVED, c.state());
      s.inject(seg(SYN | ACK, 5000, syn.sourcePort).seq(PEER_ISS).ack(syn.seq + 1).options(MSS_ONLY));
      assertEquals(TcpState.ESTABLISHED, c.state());
      assertTrue(f.isDone());
    }
  }

  @Test
  void rfc9293_3_10_7_3_rstWithAcceptableAckRefusesTheConnect() {
    try (TcpScript s = new TcpScript()) {
      CompletableFuture<TcpConnection> f = new CompletableFuture<>();
      s.tcp.connect(new Endpoint(Ipv4Address.parse("192.0.2.1"), 81), Long.MAX_VALUE, f, s.now);
      Out syn = s.expect();
      s.inject(seg(RST | ACK, 81, syn.sourcePort).seq(0).ack(syn.seq + 5)); // unacceptable ACK: RST ignored
      assertFalse(f.isDone());
      s.inject(seg(RST | ACK, 81, syn.sourcePort).seq(0).ack(syn.seq + 1));
      ExecutionException e = assertThrows(ExecutionException.class, f::get);
      assertInstanceOf(ConnectException.class, e.getCause());
      assertEquals(0, s.tcp.connectionCount(), "the ephemeral port is free again");
    }
  }

  @Test
  void rfc9293_3_8_1_connectTimesOutAtItsDeadlineWithSynsRetransmitted() {
    try (TcpScript s = new TcpScript()) {
      CompletableFuture<TcpConnection> f = new CompletableFuture<>();
      s.tcp.connect(new Endpoint(Ipv4Address.parse("192.0.2.1"), 80), 5_000 * TcpScript.MS, f, s.now);
      Out syn = s.expect();
      s.after(999);
      s.expectNothing();
      s.after(1);
      Out again = s.expect();
      assertEquals(SYN, again.flags);
      assertEquals(syn.seq, again.seq);
      s.after(2_000); // RTO doubled: 2 s
      assertEquals(SYN, s.expect().flags);
      assertFalse(f.isDone());
      s.after(2_000);
      ExecutionException e = assertThrows(ExecutionException.class, f::get);
      assertInstanceOf(ConnectException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("timed out"), e.getCause().getMessage());
      assertEquals(0, s.tcp.connectionCount());
    }
  }

  @Test
  void rfc9293_3_10_7_2_listenBacklogIsBounded() throws Exception {
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(1).withLimits(100, 100, 2))) {
      s.tcp.synCookies(false); // with them, see TcpSynCookieTest
      s.listener(80);
      for (int i = 0; i < 3; i++) {
        s.inject(seg(SYN, 40000 + i, 80).seq(PEER_ISS));
      }
      assertEquals(SYN | ACK, s.expect().flags);
      assertEquals(SYN | ACK, s.expect().flags);
      s.expectNothing();
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_DROP_LISTEN_OVERFLOW));
    }
  }

  @Test
  void rfc6528_initialSequenceNumbersDifferPerConnectionAndAdvanceWithTime() {
    try (TcpScript s = new TcpScript()) {
      int a = s.tcp.initialSequence(TcpScript.US, 80, TcpScript.PEER, 40000, s.now);
      int b = s.tcp.initialSequence(TcpScript.US, 80, TcpScript.PEER, 40001, s.now);
      int a2 = s.tcp.initialSequence(TcpScript.US, 80, TcpScript.PEER, 40000, s.now + 4_000_000);
      assertNotEquals(a, b);
      assertEquals(1000, a2 - a, "M ticks every 4 µs");
    }
  }

  // ---------------------------------------------------------------- data

  @Test
  void rfc9293_3_7_1_segmentsNeverExceedThePeersMss() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(100));
      c.nagle(false);
      write(s, c, bytes(350, 3));
      int total = 0;
      for (int i = 0; i < 4; i++) {
        Out o = s.expect();
        assertTrue(o.data.length <= 100, o.toString());
        total += o.data.length;
      }
      assertEquals(350, total);
    }
  }

  @Test
  void rfc1122_4_2_3_2_delayedAckEverySecondFullSegmentOr40ms() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      int seq = PEER_ISS + 1;
      s.inject(seg(ACK, 40000, 80).seq(seq).ack(c.sndNxt).data(bytes(100, 1)));
      s.expectNothing();
      s.after(39);
      s.expectNothing();
      s.after(1);
      Out ack = s.expect();
      assertEquals(seq + 100, ack.ack);
      seq += 100;
      s.inject(seg(ACK, 40000, 80).seq(seq).ack(c.sndNxt).data(bytes(1460, 2)));
      s.expectNothing();
      s.inject(seg(ACK, 40000, 80).seq(seq + 1460).ack(c.sndNxt).data(bytes(1460, 3)));
      assertEquals(seq + 2920, s.expect().ack, "the second full segment is acknowledged at once");
    }
  }

  @Test
  void rfc9293_3_10_7_4_outOfOrderDataIsKeptAndDuplicateAcked() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      int seq = PEER_ISS + 1;
      byte[] first = bytes(500, 1);
      byte[] second = bytes(500, 2);
      s.inject(seg(ACK, 40000, 80).seq(seq + 500).ack(c.sndNxt).data(second));
      assertEquals(seq, s.expect().ack, "duplicate ACK for the hole");
      s.inject(seg(ACK, 40000, 80).seq(seq).ack(c.sndNxt).data(first));
      assertEquals(seq + 1000, s.expect().ack);
      ByteBuf got = read(s, c);
      byte[] expected = new byte[1000];
      System.arraycopy(first, 0, expected, 0, 500);
      System.arraycopy(second, 0, expected, 500, 500);
      assertArrayEquals(expected, ByteBufUtil.getBytes(got));
      got.release();
    }
  }

  @Test
  void rfc9293_3_10_7_4_unacceptableSegmentGetsAnAck() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS - 5000).ack(c.sndNxt).data(bytes(10, 1)));
      Out ack = s.expect();
      assertEquals(PEER_ISS + 1, ack.ack);
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_DROP_UNACCEPTABLE));
    }
  }

  @Test
  void rfc9293_3_7_4_nagleHoldsSmallSegmentsWhileDataIsUnacknowledged() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(10, 1));
      Out first = s.expect();
      assertEquals(10, first.data.length);
      write(s, c, bytes(10, 2));
      s.expectNothing();
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(first.seq + 10));
      assertEquals(10, s.expect().data.length);
      c.nagle(false);
      write(s, c, bytes(10, 3));
      write(s, c, bytes(10, 4));
      assertEquals(10, s.expect().data.length, "without Nagle both small segments go at once");
    }
  }

  @Test
  void rfc9293_3_7_4_noDelaySetOnAFlowSendsWhatNagleHeldAtOnce() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(10, 1));
      s.expect();
      write(s, c, bytes(10, 2));
      s.expectNothing(); // held by Nagle behind the first small segment
      assertNull(c.option(io.morgana.api.FlowOption.NO_DELAY, true, s.now));
      Out held = s.expect();
      assertEquals(10, held.data.length, "the held segment goes when Nagle is turned off");
      c.close(s.now);
      assertInstanceOf(SocketException.class, c.option(io.morgana.api.FlowOption.NO_DELAY, false, s.now),
          "an option on a closed flow");
    }
  }

  /**
   * The short tail of a response goes out at once behind full-sized segments that are still
   * unacknowledged (Minshall's Nagle): with the plain rule it waited for the peer's delayed ACK of
   * the odd full segment before it, 40 ms per response against Linux.
   */
  @Test
  void rfc9293_3_7_4_nagleMinshall_aShortTailIsNotHeldBehindFullSegments() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(3 * 1460 + 100, 5));
      int sent = 0;
      for (int i = 0; i < 4; i++) {
        sent += s.expect().data.length;
      }
      assertEquals(3 * 1460 + 100, sent, "three full segments and the 100-byte tail, with nothing acknowledged");
      write(s, c, bytes(10, 6));
      s.expectNothing(); // the tail is a small segment still unacknowledged: the next small one waits
    }
  }

  @Test
  void rfc9293_3_8_6_1_zeroWindowIsProbedUntilItOpens() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(c.sndNxt).win(0));
      write(s, c, bytes(100, 1));
      s.expectNothing();
      s.after(1_000);
      Out probe = s.expect();
      assertEquals(c.sndUna - 1, probe.seq, "a probe with an old sequence number elicits the window");
      assertEquals(0, probe.data.length);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(c.sndNxt).win(0));
      s.after(1_999);
      s.expectNothing();
      s.after(1);
      assertEquals(0, s.expect().data.length, "probes back off: 2 s");
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(c.sndNxt).win(1000));
      assertEquals(100, s.expect().data.length);
      assertEquals(1, s.tcp.counters().get(TcpCounter.TX_WINDOW_PROBES) - 1);
    }
  }

  @Test
  void rfc9293_3_8_6_2_2_windowReopensWhenTheApplicationReads() throws Exception {
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(1).withBuffers(8192, 4096))) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      int seq = PEER_ISS + 1;
      for (int i = 0; i < 4; i++) {
        s.inject(seg(ACK, 40000, 80).seq(seq).ack(c.sndNxt).data(bytes(1024, i)));
        seq += 1024;
      }
      s.after(40);
      Out last = s.expect();
      while (s.ip.sent.peek() != null) {
        last = s.expect();
      }
      assertEquals(seq, last.ack);
      assertEquals(0, last.window, "the receive buffer is full");
      ByteBuf got = read(s, c);
      assertEquals(4096, got.readableBytes());
      got.release();
      Out update = s.expect();
      assertEquals(4096, update.window, "a window update as soon as the application read");
    }
  }

  @Test
  void rfc9293_3_9_1_2_readReturnsEndOfStreamAfterDataAndHalfCloseKeepsSending() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      int seq = PEER_ISS + 1;
      s.inject(seg(ACK | FIN, 40000, 80).seq(seq).ack(c.sndNxt).data(bytes(5, 1)));
      assertEquals(seq + 6, s.expect().ack);
      assertEquals(TcpState.CLOSE_WAIT, c.state());
      ByteBuf got = read(s, c);
      assertEquals(5, got.readableBytes());
      got.release();
      CompletableFuture<ByteBuf> eof = new CompletableFuture<>();
      c.read(eof, s.now);
      assertNull(eof.get(), "end of stream");
      write(s, c, bytes(20, 2));
      Out data = s.expect();
      assertEquals(20, data.data.length);
      c.shutdownOutput(s.now);
      Out fin = s.expect();
      assertTrue(fin.has(FIN));
      assertEquals(TcpState.LAST_ACK, c.state());
      s.inject(seg(ACK, 40000, 80).seq(seq + 6).ack(fin.seq + 1));
      assertEquals(TcpState.CLOSED, c.state());
      assertEquals(0, s.tcp.connectionCount());
      c.close(s.now);
    }
  }

  @Test
  void rfc9293_3_6_halfCloseOurSideThenPeerDataStillArrives() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      c.shutdownOutput(s.now);
      Out fin = s.expect();
      assertEquals(FIN | ACK, fin.flags);
      assertEquals(TcpState.FIN_WAIT_1, c.state());
      int seq = PEER_ISS + 1;
      s.inject(seg(ACK, 40000, 80).seq(seq).ack(fin.seq + 1));
      assertEquals(TcpState.FIN_WAIT_2, c.state());
      s.inject(seg(ACK | PSH, 40000, 80).seq(seq).ack(fin.seq + 1).data(bytes(300, 1)));
      ByteBuf got = read(s, c);
      assertEquals(300, got.readableBytes());
      got.release();
      s.inject(seg(ACK | FIN, 40000, 80).seq(seq + 300).ack(fin.seq + 1));
      Out ack = s.expect();
      while (ack.ack != seq + 301) {
        ack = s.expect();
      }
      assertEquals(TcpState.TIME_WAIT, c.state());
    }
  }

  @Test
  void rfc9293_3_6_simultaneousCloseGoesThroughClosingToTimeWait() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      c.close(s.now);
      Out fin = s.expect();
      int seq = PEER_ISS + 1;
      s.inject(seg(ACK | FIN, 40000, 80).seq(seq).ack(fin.seq)); // their FIN crossed ours
      assertEquals(TcpState.CLOSING, c.state());
      assertEquals(seq + 1, s.expect().ack);
      s.inject(seg(ACK, 40000, 80).seq(seq + 1).ack(fin.seq + 1));
      assertEquals(TcpState.TIME_WAIT, c.state());
    }
  }

  /**
   * Both sides closed while our data was still queued beyond the congestion window: in CLOSING
   * the peer's ACKs still clock out the rest, then our FIN (found by TcpBidirectionalTest: the
   * transfer stopped with data queued and no timer left).
   */
  @Test
  void rfc9293_3_6_closingKeepsSendingQueuedDataAsAcksArrive() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(20 * 1460, 9));
      c.shutdownOutput(s.now);
      int first = c.sndUna;
      for (int i = 0; i < 10; i++) {
        assertEquals(1460, s.expect().data.length, "the initial window: ten segments");
      }
      s.expectNothing();
      int seq = PEER_ISS + 1;
      s.inject(seg(ACK | FIN, 40000, 80).seq(seq).ack(first)); // their FIN, nothing of ours acknowledged
      assertEquals(TcpState.CLOSING, c.state());
      assertEquals(seq + 1, s.expect().ack);
      s.inject(seg(ACK, 40000, 80).seq(seq + 1).ack(first + 10 * 1460));
      int sent = 0;
      boolean fin = false;
      Out o;
      while ((o = s.ip.sent.poll()) != null) {
        sent += o.data.length;
        fin |= o.has(FIN);
      }
      assertEquals(10 * 1460, sent, "the rest goes once the window opens");
      assertTrue(fin, "followed by our FIN");
      s.inject(seg(ACK, 40000, 80).seq(seq + 1).ack(first + 20 * 1460 + 1));
      assertEquals(TcpState.TIME_WAIT, c.state());
    }
  }

  @Test
  void rfc9293_3_4_2_timeWaitLastsTwoMslThenThePortIsFree() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      c.close(s.now);
      Out fin = s.expect();
      s.inject(seg(ACK | FIN, 40000, 80).seq(PEER_ISS + 1).ack(fin.seq + 1));
      s.expect();
      assertEquals(TcpState.TIME_WAIT, c.state());
      assertEquals(1, s.tcp.timeWaitCount());
      s.after(59_999);
      assertEquals(TcpState.TIME_WAIT, c.state());
      s.after(1);
      assertEquals(TcpState.CLOSED, c.state());
      assertEquals(0, s.tcp.connectionCount());
      assertEquals(0, s.tcp.timeWaitCount());
    }
  }

  @Test
  void rfc9293_3_4_2_timeWaitIsBounded() throws Exception {
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(1).withLimits(100, 1, 10))) {
      for (int i = 0; i < 2; i++) {
        TcpConnection c = s.acceptFrom(40000 + i, 80, PEER_ISS, MSS_ONLY);
        c.close(s.now);
        Out fin = s.expect();
        s.inject(seg(ACK | FIN, 40000 + i, 80).seq(PEER_ISS + 1).ack(fin.seq + 1));
        s.expect();
      }
      s.after(1);
      assertEquals(1, s.tcp.timeWaitCount());
      assertEquals(1, s.tcp.connectionCount());
      assertEquals(1, s.tcp.counters().get(TcpCounter.TIME_WAIT_OVERFLOW));
    }
  }

  // ---------------------------------------------------------------- RFC 5961

  @Test
  void rfc5961_3_2_rstExactlyAtRcvNxtResetsTheConnection() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      CompletableFuture<ByteBuf> r = new CompletableFuture<>();
      c.read(r, s.now);
      s.inject(seg(RST, 40000, 80).seq(PEER_ISS + 1));
      ExecutionException e = assertThrows(ExecutionException.class, r::get);
      assertInstanceOf(SocketException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("reset"));
      assertEquals(0, s.tcp.connectionCount());
      s.expectNothing();
    }
  }

  @Test
  void rfc5961_3_2_inWindowRstGetsAChallengeAck() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(RST, 40000, 80).seq(PEER_ISS + 100));
      Out challenge = s.expect();
      assertEquals(ACK, challenge.flags);
      assertEquals(PEER_ISS + 1, challenge.ack);
      assertEquals(TcpState.ESTABLISHED, c.state());
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_CHALLENGE_ACKS));
    }
  }

  @Test
  void rfc5961_3_2_outOfWindowRstIsDropped() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(RST, 40000, 80).seq(PEER_ISS + 10_000_000));
      s.expectNothing();
      assertEquals(TcpState.ESTABLISHED, c.state());
    }
  }

  @Test
  void rfc5961_4_2_synInEstablishedGetsAChallengeAck() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(SYN, 40000, 80).seq(PEER_ISS + 5));
      Out challenge = s.expect();
      assertEquals(ACK, challenge.flags);
      assertEquals(PEER_ISS + 1, challenge.ack);
      assertEquals(TcpState.ESTABLISHED, c.state());
    }
  }

  @Test
  void rfc5961_5_2_ackOfDataNeverSentIsDroppedWithAnAck() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(c.sndNxt + 1000).data(bytes(10, 1)));
      Out ack = s.expect();
      assertEquals(PEER_ISS + 1, ack.ack, "the data of the bad segment is not taken");
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_DROP_BAD_ACK));
    }
  }

  @Test
  void rfc7323_5_3_pawsDropsSegmentsWithAnOldTimestamp() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(1460).timestamps(1000, 0));
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(c.sndNxt).data(bytes(10, 1))
          .options(new TcpOptions().timestamps(500, 0)));
      Out ack = s.expect();
      assertEquals(PEER_ISS + 1, ack.ack);
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_DROP_PAWS));
      assertEquals(0, c.readable());
    }
  }

  // ---------------------------------------------------------------- retransmission

  @Test
  void rfc6298_5_retransmissionBacksOffAndGivesUpWithATimeout() throws Exception {
    try (TcpScript s = new TcpScript(new TcpSettings(65536, 65536, 100, 100, 10, true,
        java.time.Duration.ofSeconds(30), 3, 3, java.time.Duration.ofSeconds(60), 7, 1L << 30))) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      CompletableFuture<ByteBuf> r = new CompletableFuture<>();
      c.read(r, s.now);
      write(s, c, bytes(100, 1));
      Out data = s.expect();
      long[] gaps = {1_000, 2_000, 4_000};
      for (long gap : gaps) {
        s.after(gap - 1);
        s.expectNothing();
        s.after(1);
        Out again = s.expect();
        assertEquals(data.seq, again.seq);
        assertArrayEquals(data.data, again.data);
      }
      s.after(8_000);
      Out rst = s.expect();
      assertEquals(RST, rst.flags);
      ExecutionException e = assertThrows(ExecutionException.class, r::get);
      assertInstanceOf(SocketTimeoutException.class, e.getCause());
      assertEquals(0, s.tcp.connectionCount());
    }
  }

  @Test
  void rfc6298_2_rtoFollowsTheMeasuredRoundTripWithAFloor() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(100, 1));
      Out data = s.expect();
      s.after(50);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(data.seq + 100));
      // SRTT 50 ms, RTTVAR 25 ms: 50 + 4 × 25 = 150 ms, below the 200 ms floor.
      assertEquals(200 * TcpScript.MS, c.rto());
    }
  }

  @Test
  void rfc6582_threeDuplicateAcksTriggerAFastRetransmit() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      c.nagle(false);
      write(s, c, bytes(1460 * 6, 1));
      Out first = s.expect();
      for (int i = 0; i < 5; i++) {
        s.expect();
      }
      for (int i = 0; i < 3; i++) {
        s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(first.seq).win(65535));
      }
      Out again = s.expect();
      assertEquals(first.seq, again.seq);
      assertEquals(1, s.tcp.counters().get(TcpCounter.TX_FAST_RETRANSMITS));
      // A partial ACK retransmits the next hole (RFC 6582 §3.2 step 5).
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(first.seq + 1460).win(65535));
      assertEquals(first.seq + 1460, s.expect().seq);
    }
  }

  /** Duplicate ACKs reporting {@code blocks} as [left, right) pairs in segments from {@code base}. */
  private static void sackAck(TcpScript s, int base, int ack, int... blocks) {
    TcpOptions o = new TcpOptions();
    for (int i = 0; i < blocks.length; i += 2) {
      o.addSackBlock(base + blocks[i] * 1460, base + blocks[i + 1] * 1460);
    }
    s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(ack).options(o));
  }

  @Test
  void rfc6675_5_twoHolesInOneWindowAreBothRetransmittedBeforeAnyPartialAck() throws Exception {
    // Reno: the window halves to 7,300 bytes, which the pipe arithmetic below counts on.
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(42).withCongestionControl(CongestionAlgorithm.RENO))) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(1460).sackPermitted(true));
      assertTrue(c.sack);
      int base = c.sndNxt;
      write(s, c, bytes(20 * 1460, 7));
      for (int i = 0; i < 10; i++) {
        s.expect();
      }
      // Segments 0 and 3 are lost; the peer reports the others as they arrive.
      sackAck(s, base, base, 1, 2);
      sackAck(s, base, base, 1, 3);
      s.expectNothing();
      sackAck(s, base, base, 4, 5, 1, 3); // third duplicate ACK: recovery, segment 0 again
      Out first = s.expect();
      assertEquals(base, first.seq);
      assertEquals(1460, first.data.length);
      s.expectNothing();
      assertEquals(1, s.tcp.counters().get(TcpCounter.SACK_RECOVERIES));
      sackAck(s, base, base, 4, 6, 1, 3);
      s.expectNothing();
      sackAck(s, base, base, 4, 7, 1, 3); // three segments SACKed above segment 3: lost
      Out second = s.expect();
      assertEquals(base + 3 * 1460, second.seq, "the second hole, without waiting for a partial ACK");
      assertEquals(1, s.tcp.counters().get(TcpCounter.TX_SACK_RETRANSMITS));
      s.expectNothing();
      sackAck(s, base, base, 4, 10, 1, 3); // everything else arrived
      Out next = s.expect();
      assertEquals(base + 10 * 1460, next.seq, "the pipe emptied: new data (NextSeg rule 2)");
      s.ip.sent.clear();
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(base + 10 * 1460));
      assertFalse(c.inRecovery, "the ACK of RecoveryPoint ends recovery");
      assertEquals(c.ssthresh, c.congestionWindow());
      assertEquals(1, s.tcp.counters().get(TcpCounter.TX_FAST_RETRANSMITS));
      assertEquals(0, s.tcp.counters().get(TcpCounter.TX_RETRANSMITS), "no timeout");
    }
  }

  @Test
  void rfc6675_4_nextSegRule4_aLostTailIsRescuedOnceAfterThePartialAck() throws Exception {
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(42).withCongestionControl(CongestionAlgorithm.RENO))) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(1460).sackPermitted(true));
      c.nagle(false);
      int base = c.sndNxt;
      write(s, c, bytes(10 * 1460, 3)); // exactly the initial window: no new data to send in recovery
      for (int i = 0; i < 10; i++) {
        s.expect();
      }
      // Segments 0 and 9 are lost: no SACK block will ever lie above segment 9.
      sackAck(s, base, base, 1, 2);
      sackAck(s, base, base, 1, 3);
      sackAck(s, base, base, 1, 4);
      assertEquals(base, s.expect().seq, "recovery retransmits segment 0");
      sackAck(s, base, base, 1, 9);
      s.expectNothing(); // rule 3 stops at the highest SACK; rule 4 waits for HighACK > RescueRxt
      assertEquals(0, s.tcp.counters().get(TcpCounter.TX_RESCUE_RETRANSMITS));
      // The retransmission of segment 0 arrives: a partial ACK up to the lost tail.
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(base + 9 * 1460));
      assertTrue(c.inRecovery, "RecoveryPoint is the end of segment 9");
      Out rescue = s.expect();
      assertEquals(base + 9 * 1460, rescue.seq, "the highest unSACKed segment, without the timer");
      assertEquals(1460, rescue.data.length);
      assertEquals(1, s.tcp.counters().get(TcpCounter.TX_RESCUE_RETRANSMITS));
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(base + 9 * 1460));
      s.expectNothing(); // one rescue per recovery
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(base + 10 * 1460));
      assertFalse(c.inRecovery);
      assertEquals(0, s.tcp.counters().get(TcpCounter.TX_RETRANSMITS), "no timeout");
    }
  }

  /** Acknowledges each of {@code round} at once, echoing its timestamp; returns what we sent meanwhile. */
  private static java.util.List<Out> ackRound(TcpScript s, java.util.List<Out> round, int[] peerTs) {
    java.util.List<Out> next = new java.util.ArrayList<>();
    for (Out o : round) {
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(o.seq + o.data.length)
          .ts(true, ++peerTs[0], o.options.timestampValue()));
      while (s.ip.sent.peek() != null) {
        next.add(s.expect());
      }
    }
    return next;
  }

  @Test
  void rfc9406_4_2_anRttRiseInTheInitialSlowStartIsCountedAndGrowthSlowsToConservativeSlowStart() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(1460).timestamps(1, 0));
      assertTrue(c.timestamps, "RTT samples on every ACK");
      c.nagle(false);
      int mss = c.sendMss();
      write(s, c, bytes(150 * mss, 4));
      java.util.List<Out> round = new java.util.ArrayList<>();
      while (s.ip.sent.peek() != null) {
        round.add(s.expect());
      }
      assertEquals(10, round.size(), "the initial window");
      int[] peerTs = {10};
      s.at(100); // round 1: 100 ms
      round = ackRound(s, round, peerTs);
      assertEquals(20L * mss, c.congestionWindow(), "slow start: one segment per segment acknowledged");
      assertEquals(20, round.size());
      assertEquals(0, s.tcp.counters().get(TcpCounter.HYSTART_EXITS));
      s.at(220); // round 2: 120 ms, more than 100 ms + RttThresh (12.5 ms)
      ackRound(s, round, peerTs);
      assertEquals(1, s.tcp.counters().get(TcpCounter.HYSTART_EXITS), "the eighth sample of the round");
      assertEquals(28L * mss + 12L * (mss / HyStartPlusPlus.CSS_GROWTH_DIVISOR), c.congestionWindow(),
          "eight ACKs of slow start, then twelve of Conservative Slow Start");
      assertEquals(Long.MAX_VALUE, c.ssthresh, "still in (conservative) slow start");
    }
  }

  @Test
  void rfc9293_3_10_5_abortSendsRst() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      c.abort(s.now);
      Out rst = s.expect();
      assertEquals(RST, rst.flags);
      assertEquals(c.sndNxt, rst.seq);
      assertEquals(0, s.tcp.connectionCount());
    }
  }

  @Test
  void ephemeralPortsAreReleasedSoSeventyThousandConnectsNeverRunOut() {
    // mirage-tcpip stops after 65,535 connects (its issue #462): ours come back when a connection ends.
    try (TcpScript s = new TcpScript()) {
      Endpoint peer = new Endpoint(Ipv4Address.parse("192.0.2.1"), 80);
      for (int i = 0; i < 70_000; i++) {
        CompletableFuture<TcpConnection> f = new CompletableFuture<>();
        s.tcp.connect(peer, Long.MAX_VALUE, f, s.now);
        Out syn = s.expect();
        s.inject(seg(RST | ACK, 80, syn.sourcePort).seq(0).ack(syn.seq + 1));
        assertTrue(f.isCompletedExceptionally());
      }
      assertEquals(0, s.tcp.connectionCount());
    }
  }

  @Test
  void rfc9293_3_8_6_1_aPeerAnsweringWithAZeroWindowIsNeverGivenUp() throws Exception {
    try (TcpScript s = new TcpScript(new TcpSettings(65536, 65536, 100, 100, 10, true,
        java.time.Duration.ofSeconds(30), 3, 3, java.time.Duration.ofSeconds(60), 7, 1L << 30))) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(100, 1));
      Out data = s.expect();
      // The peer's buffer is full: it drops our data and answers every segment with a zero window.
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(data.seq).win(0));
      for (int i = 0; i < 40; i++) {
        s.after(5_000);
        while (s.ip.sent.poll() != null) {
          s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(data.seq).win(0));
        }
      }
      assertEquals(TcpState.ESTABLISHED, c.state(), "200 s of zero windows, still connected");
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(data.seq).win(1000));
      s.after(130_000);
      Out again = s.ip.sent.poll();
      while (again != null && again.data.length == 0) {
        again = s.ip.sent.poll();
      }
      assertTrue(again != null && again.seq == data.seq, "the data goes again once the window opens");
    }
  }

  @Test
  void totalReceiveMemoryIsBoundedAcrossConnections() throws Exception {
    try (TcpScript s = new TcpScript(TcpSettings.DEFAULTS.withSecret(1).withBuffers(8192, 4096)
        .withReceiveBudget(4096))) {
      TcpConnection one = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      TcpConnection two = s.acceptFrom(40001, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(one.sndNxt).data(bytes(4096, 1)));
      assertEquals(4096, s.tcp.receiveHeld());
      s.inject(seg(ACK, 40001, 80).seq(PEER_ISS + 1).ack(two.sndNxt).data(bytes(100, 2)));
      assertEquals(1, s.tcp.counters().get(TcpCounter.RX_DROP_MEMORY));
      assertEquals(0, two.readable());
      ByteBuf got = read(s, one);
      got.release();
      assertEquals(0, s.tcp.receiveHeld());
      s.inject(seg(ACK, 40001, 80).seq(PEER_ISS + 1).ack(two.sndNxt).data(bytes(100, 2)));
      assertEquals(100, two.readable(), "accepted once the budget has room");
      assertEquals(100, s.tcp.receiveHeld());
    }
  }

  @Test
  void rfc2018_4_outOfOrderDataIsReportedInSackBlocksNewestFirst() throws Exception {
    try (TcpScript s = new TcpScript()) {
      s.tcp.sackEnabled(true);
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(1460).sackPermitted(true));
      assertTrue(c.sack);
      int seq = PEER_ISS + 1;
      s.inject(seg(ACK, 40000, 80).seq(seq + 500).ack(c.sndNxt).data(bytes(500, 1)));
      Out first = s.expect();
      assertEquals(seq, first.ack);
      assertEquals(1, first.options.sackBlocks());
      assertEquals(seq + 500, first.options.sackLeft(0));
      assertEquals(seq + 1000, first.options.sackRight(0));
      s.inject(seg(ACK, 40000, 80).seq(seq + 1500).ack(c.sndNxt).data(bytes(500, 2)));
      Out second = s.expect();
      assertEquals(2, second.options.sackBlocks());
      assertEquals(seq + 1500, second.options.sackLeft(0), "the newest block first");
      assertEquals(seq + 500, second.options.sackLeft(1));
      s.inject(seg(ACK, 40000, 80).seq(seq + 1000).ack(c.sndNxt).data(bytes(500, 3)));
      Out third = s.expect();
      assertEquals(1, third.options.sackBlocks(), "adjacent ranges merge");
      assertEquals(seq + 500, third.options.sackLeft(0));
      assertEquals(seq + 2000, third.options.sackRight(0));
      s.inject(seg(ACK, 40000, 80).seq(seq).ack(c.sndNxt).data(bytes(500, 4)));
      Out all = s.expect();
      assertEquals(seq + 2000, all.ack);
      assertEquals(0, all.options.sackBlocks());
    }
  }

  @Test
  void rfc2018_2_noSackBlocksUnlessThePeerPermittedThem() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 501).ack(c.sndNxt).data(bytes(500, 1)));
      assertEquals(0, s.expect().options.sackBlocks());
    }
  }

  @Test
  void rfc2018_3_sackBlocksNeverPushAFullSegmentOverTheMss() throws Exception {
    try (TcpScript s = new TcpScript()) {
      s.tcp.sackEnabled(true);
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS,
          new TcpOptions().mss(1460).sackPermitted(true).timestamps(500, 0));
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 501).ack(c.sndNxt).data(bytes(500, 1))
          .options(new TcpOptions().timestamps(501, 0)));
      assertEquals(1, s.expect().options.sackBlocks(), "the ACK reports the block");
      c.nagle(false);
      write(s, c, bytes(3000, 2));
      for (int i = 0; i < 2; i++) {
        Out full = s.expect();
        assertEquals(1448, full.data.length);
        assertTrue(20 + full.options.length() + full.data.length <= 20 + 1460, full.toString());
      }
      Out tail = s.expect();
      assertEquals(104, tail.data.length);
      assertEquals(1, tail.options.sackBlocks(), "a short segment has room for the block");
    }
  }
}
