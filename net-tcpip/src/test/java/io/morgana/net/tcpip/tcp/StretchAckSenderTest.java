package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Morgana as the sender of data acknowledged by stretch ACKs (a peer with receive offload, or a
 * Morgana receiver holding its ACK to the end of a batch, {@link TcpConnection#ackAtBatchEnd}):
 * the window grows by the bytes acknowledged, not by the number of ACKs (RFC 3465, RFC 3449
 * §5.2.3), within RFC 3465's limit L per ACK in slow start.
 */
class StretchAckSenderTest {

  private static final int MSS = 1000;
  private static final long RTT = 100_000_000L;

  @Test
  void rfc3465_2_1_renoCongestionAvoidanceCountsBytes_anAckOfEightSegmentsGrowsAsEightAcks() {
    long cwnd = 50L * MSS;
    long ssthresh = 50L * MSS;
    long oneByOne = cwnd;
    for (int i = 0; i < 8; i++) {
      oneByOne = new Reno().onAck(oneByOne, ssthresh, MSS, MSS, RTT, 0);
    }
    long stretched = new Reno().onAck(cwnd, ssthresh, 8L * MSS, MSS, RTT, 0);
    assertEquals(cwnd + 160, stretched, "SMSS × 8,000 / 50,000 bytes");
    assertEquals(oneByOne, stretched, 8.0, "as eight ACKs of one segment, within a byte of rounding each");
  }

  @Test
  void rfc5681_3_1_renoGrowsOneSegmentPerRoundTripWhicheverTheAckSize() {
    long ssthresh = 50L * MSS;
    long everyOther = 50L * MSS;
    for (int i = 0; i < 25; i++) {
      everyOther = new Reno().onAck(everyOther, ssthresh, 2L * MSS, MSS, RTT, 0);
    }
    long everyEighth = 50L * MSS;
    for (int i = 0; i < 50 / 8; i++) {
      everyEighth = new Reno().onAck(everyEighth, ssthresh, 8L * MSS, MSS, RTT, 0);
    }
    everyEighth = new Reno().onAck(everyEighth, ssthresh, 2L * MSS, MSS, RTT, 0);
    assertEquals(51L * MSS, everyOther, 50.0, "a window of delayed ACKs: one segment");
    assertEquals(51L * MSS, everyEighth, 50.0, "a window of stretch ACKs: one segment too");
  }

  @Test
  void rfc9438_4_4_cubicCountsSegmentsAcknowledged_anAckOfEightSegmentsGrowsAsEightAcks() {
    long ssthresh = 70L * MSS;
    Cubic one = new Cubic();
    Cubic eight = new Cubic();
    one.onCongestion(100L * MSS, 100L * MSS, MSS, 0);
    eight.onCongestion(100L * MSS, 100L * MSS, MSS, 0);
    long now = 2_000_000_000L;
    long a = 70L * MSS;
    long b = 70L * MSS;
    for (int round = 0; round < 20; round++) {
      long t = now + round * RTT;
      for (int i = 0; i < 8; i++) {
        a = one.onAck(a, ssthresh, MSS, MSS, RTT, t);
      }
      b = eight.onAck(b, ssthresh, 8L * MSS, MSS, RTT, t);
    }
    assertEquals(a, b, 0.01 * a, "the same window from 160 ACKs of one segment and 20 of eight");
  }

  @Test
  void rfc9406_4_2_initialSlowStartGrowsByTheBytesOfAStretchAckUpToL() {
    HyStartPlusPlus h = new HyStartPlusPlus();
    int una = 1;
    assertEquals(8L * MSS, h.onAck(8L * MSS, MSS, una + 8 * MSS, una + 20 * MSS, -1),
        "an ACK of eight segments: eight segments (L = 8)");
    assertEquals(8L * MSS, h.onAck(12L * MSS, MSS, una + 20 * MSS, una + 20 * MSS, -1),
        "beyond L, L");
  }
}
