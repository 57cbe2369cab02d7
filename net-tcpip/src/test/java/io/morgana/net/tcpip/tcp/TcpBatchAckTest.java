package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.TcpScript.seg;
import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static io.morgana.net.tcpip.wire.TcpPacket.FIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.tcp.TcpScript.Out;
import io.morgana.net.tcpip.tcp.TcpScript.Seg;
import io.morgana.net.tcpip.wire.TcpOptions;
import org.junit.jupiter.api.Test;

/**
 * One ACK per receive batch ({@link TcpConnection#ackAtBatchEnd}): the ACK that two full-sized
 * segments call for (RFC 5681 §4.2, RFC 9293 §3.8.6.3) waits for the end of the batch of frames
 * it arrived in, bounded by {@link TcpConnection#MAX_ACK_STRETCH_SEGMENTS} full segments or
 * {@link TcpConnection#MAX_ACK_STRETCH_BYTES}; every immediate ACK stays immediate. Driven by
 * {@link TcpScript}: {@code deliver} hands the layer one segment of a batch that goes on, {@code
 * endBatch} ends it.
 */
class TcpBatchAckTest {

  private static final int PEER_ISS = 1_000_000;
  private static final int PORT = 40000;
  private static final TcpOptions SACK_OK = new TcpOptions().mss(9000).sackPermitted(true);

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  /** Full-sized segment number {@code i} (from 0) of {@code c}'s peer, {@code full} bytes each. */
  private static Seg full(TcpConnection c, int i, int full) {
    return seg(ACK, PORT, 80).seq(PEER_ISS + 1 + i * full).ack(c.sndNxt).data(bytes(full, i));
  }

  @Test
  void rfc5681_4_2_inOrderFullSegmentsOfOneBatchGetOneAckAtItsEnd() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, SACK_OK);
      int full = c.ourMss;
      for (int i = 0; i < 5; i++) {
        s.deliver(full(c, i, full));
        s.expectNothing();
      }
      s.endBatch();
      Out ack = s.expect();
      assertEquals(PEER_ISS + 1 + 5 * full, ack.ack, "one ACK covering the whole batch");
      assertEquals(0, ack.options.sackBlocks());
      s.expectNothing();
      assertEquals(5 * full, c.readable());
    }
  }

  @Test
  void rfc5681_4_2_outOfOrderSegmentInABatchGetsAnImmediateDuplicateAckWithSack() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, SACK_OK);
      assertTrue(c.sack);
      int full = c.ourMss;
      int base = PEER_ISS + 1;
      s.deliver(full(c, 0, full));
      s.deliver(full(c, 1, full));
      s.expectNothing();
      s.deliver(full(c, 3, full)); // segment 2 is missing
      Out dup1 = s.expect();
      assertEquals(base + 2 * full, dup1.ack, "at once, acknowledging the in-order part too");
      assertEquals(1, dup1.options.sackBlocks());
      assertEquals(base + 3 * full, dup1.options.sackLeft(0));
      assertEquals(base + 4 * full, dup1.options.sackRight(0));
      s.deliver(full(c, 4, full));
      Out dup2 = s.expect();
      assertEquals(base + 2 * full, dup2.ack, "a second duplicate ACK, at once");
      assertEquals(base + 3 * full, dup2.options.sackLeft(0));
      assertEquals(base + 5 * full, dup2.options.sackRight(0));
      s.deliver(full(c, 4, full)); // a duplicate
      Out dup3 = s.expect();
      assertEquals(base + 2 * full, dup3.ack, "a third: the sender's fast retransmit needs it");
      s.endBatch();
      s.expectNothing();
      s.deliver(full(c, 2, full)); // fills the hole
      Out filled = s.expect();
      assertEquals(base + 5 * full, filled.ack, "a segment filling a hole is acknowledged at once");
      assertEquals(0, filled.options.sackBlocks());
      s.endBatch();
      s.expectNothing();
    }
  }

  @Test
  void rfc1122_4_2_3_2_aLoneSegmentInABatchWaitsForTheDelayedAckTimer() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, SACK_OK);
      int full = c.ourMss;
      s.injectBatch(full(c, 0, full));
      s.expectNothing();
      s.after(39);
      s.expectNothing();
      s.after(1);
      assertEquals(PEER_ISS + 1 + full, s.expect().ack, "after the 40 ms delayed-ACK timer");
      // A lone segment after one left unacknowledged by the batch before: two full segments are
      // unacknowledged, and that batch ends with their ACK.
      s.injectBatch(full(c, 1, full));
      s.expectNothing();
      s.after(10);
      s.injectBatch(full(c, 2, full));
      assertEquals(PEER_ISS + 1 + 3 * full, s.expect().ack);
      s.after(100);
      s.expectNothing();
    }
  }

  @Test
  void stretchBound_anAckCoversAtMostEightFullSegments() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, SACK_OK);
      int full = c.ourMss;
      int base = PEER_ISS + 1;
      for (int i = 0; i < 20; i++) {
        s.deliver(full(c, i, full));
        if (i == 7 || i == 15) {
          assertEquals(base + (i + 1) * full, s.expect().ack, "at once after eight full segments");
        }
        s.expectNothing();
      }
      s.endBatch();
      assertEquals(base + 20 * full, s.expect().ack, "the last four at the end of the batch");
      s.expectNothing();
    }
  }

  @Test
  void stretchBound_anAckCoversAtMost64KiB() throws Exception {
    try (TcpScript s = new TcpScript()) {
      s.ip.mtu = 9_000;
      // Window scaling, and an ACK that opens the window past the SYN-ACK's 65,535 bytes.
      TcpOptions syn = new TcpOptions().mss(9000).sackPermitted(true).windowScale(7);
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, syn);
      assertEquals(8_980, c.ourMss);
      s.inject(seg(ACK, PORT, 80).seq(PEER_ISS + 1).ack(c.sndNxt).data(bytes(1, 0)));
      s.after(40);
      assertTrue(s.expect().window << 7 > 128 * 1024, "the window opened");
      int base = PEER_ISS + 2;
      // Segments of 1,000 bytes: the 64 KiB bound (66 segments) binds before 8 × 8,980 bytes.
      for (int i = 0; i < 90; i++) {
        s.deliver(seg(ACK, PORT, 80).seq(base + i * 1_000).ack(c.sndNxt).data(bytes(1_000, i)));
        if (i == 65) {
          assertEquals(base + 66_000, s.expect().ack, "at once once 64 KiB are unacknowledged");
        }
        s.expectNothing();
      }
      s.endBatch();
      assertEquals(base + 90_000, s.expect().ack, "the rest, two full segments' worth, at the end");
      s.expectNothing();
    }
  }

  @Test
  void rfc9293_3_10_7_4_aFinInABatchIsAcknowledgedAtOnce() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, SACK_OK);
      int full = c.ourMss;
      int base = PEER_ISS + 1;
      s.deliver(full(c, 0, full));
      s.deliver(full(c, 1, full));
      s.expectNothing();
      s.deliver(seg(ACK | FIN, PORT, 80).seq(base + 2 * full).ack(c.sndNxt));
      assertEquals(base + 2 * full + 1, s.expect().ack, "the FIN and the data before it, at once");
      assertEquals(TcpState.CLOSE_WAIT, c.state);
      s.endBatch();
      s.expectNothing();
    }
  }

  @Test
  void rfc7323_4_3_theBatchAckEchoesTheTimestampOfTheFirstSegmentItAcknowledges() throws Exception {
    try (TcpScript s = new TcpScript()) {
      TcpOptions syn = new TcpOptions().mss(9000).sackPermitted(true).timestamps(500, 0);
      TcpConnection c = s.acceptFrom(PORT, 80, PEER_ISS, syn);
      assertTrue(c.timestamps);
      int full = c.ourMss - 12;
      for (int i = 0; i < 3; i++) {
        s.deliver(full(c, i, full).ts(true, 510 + i, 0));
      }
      s.expectNothing();
      s.endBatch();
      Out ack = s.expect();
      assertEquals(PEER_ISS + 1 + 3 * full, ack.ack);
      assertEquals(510, ack.options.timestampEcho(), "TS.Recent of the segment at Last.ACK.sent");
    }
  }
}
