package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.TcpScript.seg;
import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static io.morgana.net.tcpip.wire.TcpPacket.FIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Offloads;
import io.morgana.net.tcpip.internal.Tx;
import io.morgana.net.tcpip.tcp.TcpScript.Out;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The sender over a device that segments (TSO) and fills in checksums: super-segments above the
 * MSS, a multiple of it but for a tail Nagle lets go, never beyond the peer's window or the
 * congestion window; checksums left partial only when the device offers it; nothing changed over
 * a device that offers nothing. Driven by scripted segments ({@link TcpScript}).
 */
class TcpSegmentationOffloadTest {

  private static final int PEER_ISS = 1_000_000;
  private static final int MSS = 1460;
  private static final TcpOptions MSS_ONLY = new TcpOptions().mss(MSS);
  private static final Offloads TSO = new Offloads(false, true, 65_455);
  private static final Offloads CHECKSUM_ONLY = new Offloads(false, true, 0);

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private static void write(TcpScript s, TcpConnection c, byte[] data) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    c.write(Unpooled.wrappedBuffer(data), f, s.now);
    assertTrue(f.isDone(), "write queued");
  }

  private static TcpScript over(Offloads offloads) {
    TcpScript s = new TcpScript();
    s.ip.offloads = offloads;
    return s;
  }

  private static boolean partial(Out o) {
    return (Tx.flags(o.tx) & Tx.CHECKSUM_PARTIAL) != 0;
  }

  @Test
  void withoutOffloads_noSegmentExceedsTheMss_andChecksumsAreComplete() throws Exception {
    try (TcpScript s = over(Offloads.NONE)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(20_000, 1));
      int total = 0;
      for (Out o; (o = s.ip.sent.poll()) != null; ) {
        assertTrue(o.data.length <= MSS, o.toString());
        assertEquals(0, o.tx, o.toString());
        total += o.data.length;
      }
      assertEquals(10 * MSS, total, "the initial window, one MSS at a time");
    }
  }

  @Test
  void checksumOffloadAlone_leavesChecksumsPartial_butSegmentsStayAtTheMss() throws Exception {
    try (TcpScript s = over(CHECKSUM_ONLY)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(5_000, 1));
      for (Out o; (o = s.ip.sent.poll()) != null; ) {
        assertTrue(o.data.length <= MSS, o.toString());
        assertEquals(Tx.CHECKSUM_PARTIAL, o.tx, o.toString()); // RecordingIp checked the pseudo-header sum
      }
    }
  }

  @Test
  void segmentationWithoutChecksumOffload_isNotUsed() throws Exception {
    try (TcpScript s = over(new Offloads(false, false, 65_455))) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(5_000, 1));
      for (Out o; (o = s.ip.sent.poll()) != null; ) {
        assertTrue(o.data.length <= MSS, o.toString());
        assertEquals(0, o.tx, o.toString());
      }
    }
  }

  @Test
  void rfc6928_theInitialWindowLeavesAsOneSuperSegmentOfTenMss() throws Exception {
    try (TcpScript s = over(TSO)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      byte[] data = bytes(40_000, 2);
      write(s, c, data);
      Out first = s.expect();
      assertEquals(10 * MSS, first.data.length, "cwnd 10 MSS");
      assertEquals(MSS, Tx.segmentBytes(first.tx), "the device cuts it at the MSS");
      assertTrue(partial(first));
      assertArrayEquals(java.util.Arrays.copyOf(data, 10 * MSS), first.data);
      s.expectNothing(); // the congestion window is full
    }
  }

  @Test
  void superSegments_neverExceedThePeersWindowNorTheCongestionWindow_andAreWholeMss() throws Exception {
    try (TcpScript s = over(TSO)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      byte[] data = bytes(60_000, 3);
      write(s, c, data);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      int window = 65_535;
      for (int round = 0; round < 20 && got.size() < data.length; round++) {
        int inFlight = 0;
        int lastSeq = 0;
        for (Out o; (o = s.ip.sent.poll()) != null; ) {
          inFlight += o.data.length;
          got.write(o.data);
          lastSeq = o.seq + o.data.length;
          boolean endOfData = got.size() == data.length;
          assertTrue(o.data.length % MSS == 0 || endOfData, "whole MSS but the last: " + o);
          if (o.data.length > MSS) {
            assertEquals(MSS, Tx.segmentBytes(o.tx), o.toString());
          }
        }
        assertTrue(inFlight <= window, "within the peer's window " + window + ": " + inFlight);
        assertTrue(inFlight <= c.cwnd + MSS, "within cwnd " + c.cwnd + ": " + inFlight);
        window = round % 2 == 0 ? 7_000 : 65_535; // the peer's window shrinks and reopens
        s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(lastSeq).win(window));
      }
      assertArrayEquals(data, got.toByteArray(), "every byte once, in order");
    }
  }

  @Test
  void rfc1122_4_2_3_4_aWindowOf7000_getsFourWholeMss_andTheRestWaitsForSillyWindowAvoidance() throws Exception {
    try (TcpScript s = over(TSO)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(c.sndNxt).win(7_000));
      write(s, c, bytes(20_000, 4));
      Out o = s.expect();
      assertEquals(4 * MSS, o.data.length, "rounded down to whole MSS within the window");
      assertEquals(MSS, Tx.segmentBytes(o.tx));
      // 1,160 bytes of window are left: below one MSS and below half the largest window seen
      s.expectNothing();
    }
  }

  @Test
  void nagleMinshall_aShortTailRidesInTheSuperSegmentWhenNoSmallSegmentIsUnacknowledged() throws Exception {
    try (TcpScript s = over(TSO)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(3 * MSS + 100, 5));
      Out o = s.expect();
      assertEquals(3 * MSS + 100, o.data.length, "three MSS and the tail in one");
      assertEquals(MSS, Tx.segmentBytes(o.tx));
      write(s, c, bytes(10, 6));
      s.expectNothing(); // the tail is a small segment still unacknowledged: the next small one waits
    }
  }

  @Test
  void nagleMinshall_aShortTailIsHeldWhileAnEarlierSmallSegmentIsUnacknowledged() throws Exception {
    try (TcpScript s = over(TSO)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(10, 7));
      Out small = s.expect();
      write(s, c, bytes(3 * MSS + 100, 8));
      Out whole = s.expect();
      assertEquals(3 * MSS, whole.data.length, "the whole MSS go; the 100-byte tail waits");
      s.expectNothing();
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(small.seq + 10));
      Out tail = s.expect();
      assertEquals(100, tail.data.length);
      assertEquals(0, Tx.segmentBytes(tail.tx), "one segment: nothing to cut");
    }
  }

  @Test
  void theFinRidesOnTheLastSuperSegment() throws Exception {
    try (TcpScript s = over(TSO)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(20 * MSS + 7, 9));
      Out first = s.expect(); // the initial window; the rest waits for room in cwnd
      c.close(s.now);
      s.expectNothing();
      s.inject(seg(ACK, 40000, 80).seq(PEER_ISS + 1).ack(first.seq + first.data.length));
      Out o = s.expect();
      assertEquals(10 * MSS + 7, o.data.length);
      assertTrue(o.has(FIN), o.toString());
    }
  }

  @Test
  void rfc7323_withTimestamps_theSegmentSizeIsTheMssLessTheOption_andOneTsvalServesAll() throws Exception {
    try (TcpScript s = over(TSO)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, new TcpOptions().mss(MSS).timestamps(1000, 0));
      write(s, c, bytes(30_000, 10));
      Out o = s.expect();
      assertEquals(MSS - 12, Tx.segmentBytes(o.tx));
      assertEquals(10 * (MSS - 12), o.data.length);
      assertTrue(o.options.hasTimestamps(), o.toString());
    }
  }

  @Test
  void rfc6298_aRetransmissionTimeoutResendsOneMss() throws Exception {
    try (TcpScript s = over(TSO)) {
      TcpConnection c = s.acceptFrom(40000, 80, PEER_ISS, MSS_ONLY);
      write(s, c, bytes(20_000, 11));
      Out first = s.expect();
      assertEquals(10 * MSS, first.data.length);
      s.after(1_000);
      Out again = s.expect();
      assertEquals(first.seq, again.seq);
      assertEquals(MSS, again.data.length, "cwnd is one MSS after a timeout");
    }
  }
}
