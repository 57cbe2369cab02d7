package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.tcp.HyStartPlusPlus.Phase.CSS;
import static io.morgana.net.tcpip.tcp.HyStartPlusPlus.Phase.DONE;
import static io.morgana.net.tcpip.tcp.HyStartPlusPlus.Phase.SLOW_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** HyStart++ against RFC 9406 §4 (segments of 1,000 bytes; RTTs in nanoseconds). */
class HyStartPlusPlusTest {

  private static final int MSS = 1000;
  private static final long MS = 1_000_000L;

  private final HyStartPlusPlus h = new HyStartPlusPlus();
  /** The cumulative acknowledgment so far. */
  private int una = 12_345;

  /**
   * One round of {@code acks} ACKs of one segment each, every one with the round-trip sample
   * {@code rtt}: the first ACK, beyond the previous round's windowEnd, begins the round, whose
   * windowEnd (SND.NXT then) is what its last ACK acknowledges. Returns the growth.
   */
  private long round(int acks, long rtt) {
    long growth = 0;
    for (int i = 0; i < acks; i++) {
      una += MSS;
      growth += h.onAck(MSS, MSS, una, una + (acks - 1 - i) * MSS, rtt);
    }
    return growth;
  }

  @Test
  void rfc9406_4_2_slowStartGrowsByTheBytesAckedUpToLSegmentsPerAck() {
    assertEquals(MSS, h.onAck(MSS, MSS, una, una + 10 * MSS, 100 * MS));
    assertEquals(8 * MSS, h.onAck(20 * MSS, MSS, una + MSS, una + 10 * MSS, 100 * MS), "L = 8 without pacing");
    assertEquals(SLOW_START, h.phase());
  }

  @Test
  void rfc9406_4_2_anRttRiseOfRttThreshAfterNSamplesEntersConservativeSlowStart() {
    round(8, 100 * MS);
    // RttThresh = 100 ms / MIN_RTT_DIVISOR = 12.5 ms, within [4, 16] ms.
    round(8, 112_499_999L);
    assertEquals(SLOW_START, h.phase(), "just below lastRoundMinRTT + RttThresh");
    HyStartPlusPlus g = new HyStartPlusPlus();
    int u = 0;
    for (int i = 0; i < 8; i++) {
      u += MSS;
      g.onAck(MSS, MSS, u, u + (7 - i) * MSS, 100 * MS);
    }
    for (int i = 0; i < 8; i++) {
      assertEquals(SLOW_START, g.phase(), "only once the round has N_RTT_SAMPLE samples");
      u += MSS;
      g.onAck(MSS, MSS, u, u + (7 - i) * MSS, 112_500_000L);
    }
    assertEquals(CSS, g.phase(), "currentRoundMinRTT >= lastRoundMinRTT + RttThresh");
  }

  @Test
  void rfc9406_4_2_rttThreshIsClampedToFourAndSixteenMilliseconds() {
    round(8, 10 * MS); // 10 / 8 = 1.25 ms: clamped up to MIN_RTT_THRESH
    round(8, 13_999_999L);
    assertEquals(SLOW_START, h.phase());
    round(8, 18 * MS); // last round 13.999999 ms + 4 ms
    assertEquals(CSS, h.phase());

    HyStartPlusPlus g = new HyStartPlusPlus();
    int u = 0;
    long[] rtts = {200 * MS, 215 * MS, 231 * MS}; // 200 / 8 = 25 ms: clamped down to MAX_RTT_THRESH
    HyStartPlusPlus.Phase[] phases = {SLOW_START, SLOW_START, CSS};
    for (int r = 0; r < rtts.length; r++) {
      for (int i = 0; i < 8; i++) {
        u += MSS;
        g.onAck(MSS, MSS, u, u + (7 - i) * MSS, rtts[r]);
      }
      assertEquals(phases[r], g.phase(), "round " + r);
    }
  }

  @Test
  void rfc9406_4_2_fewerThanNRttSamplesNeverEndSlowStart() {
    round(7, 50 * MS);
    round(7, 500 * MS);
    round(7, 900 * MS);
    assertEquals(SLOW_START, h.phase());
    // ACKs without a sample (Karn's rule) grow the window but count for nothing.
    round(8, -1);
    assertEquals(SLOW_START, h.phase());
  }

  @Test
  void rfc9406_4_2_conservativeSlowStartGrowsAQuarterAsFast() {
    round(8, 20 * MS);
    round(8, 40 * MS);
    assertEquals(CSS, h.phase());
    assertEquals(8 * MSS / HyStartPlusPlus.CSS_GROWTH_DIVISOR, round(8, 40 * MS));
    assertEquals(2 * MSS, h.onAck(8 * MSS, MSS, una + 8 * MSS, una + 16 * MSS, 40 * MS), "min(N, L × SMSS) / 4");
  }

  @Test
  void rfc9406_4_2_anRttBelowTheCssBaselineResumesSlowStart() {
    round(8, 20 * MS);
    round(8, 40 * MS); // baseline 40 ms
    assertEquals(CSS, h.phase());
    round(8, 39 * MS);
    assertEquals(SLOW_START, h.phase(), "the rise was jitter");
    assertEquals(8 * MSS, round(8, 39 * MS), "full growth again");
  }

  @Test
  void rfc9406_4_2_afterCssRoundsSlowStartIsOver() {
    round(8, 20 * MS);
    round(8, 40 * MS); // enters CSS in this round's 8th ACK
    for (int r = 1; r < HyStartPlusPlus.CSS_ROUNDS; r++) {
      round(8, 40 * MS);
      assertEquals(CSS, h.phase(), "round " + r + " in CSS");
    }
    assertEquals(0, h.onAck(MSS, MSS, una + MSS, una + 8 * MSS, 40 * MS));
    assertEquals(DONE, h.phase(), "CSS_ROUNDS rounds complete: the connection sets ssthresh = cwnd");
    assertThrows(IllegalStateException.class, () -> h.onAck(MSS, MSS, una, una, 40 * MS));
  }

  @Test
  void rfc9406_4_2_theAckOfWindowEndStillCountsInItsRound() {
    round(8, 100 * MS);
    // The next round's ACKs: the first seven rise by 20 ms, the eighth — covering exactly the
    // round's windowEnd — is back at 100 ms and keeps the round's minimum from rising.
    for (int i = 0; i < 7; i++) {
      una += MSS;
      h.onAck(MSS, MSS, una, una + (7 - i) * MSS, 120 * MS);
    }
    una += MSS;
    h.onAck(MSS, MSS, una, una + 20 * MSS, 100 * MS);
    assertEquals(SLOW_START, h.phase());
    assertEquals(100 * MS, h.currentRoundMinRtt(), "the eighth sample is this round's");
    assertEquals(100 * MS, h.lastRoundMinRtt(), "no new round began at windowEnd itself");
  }

  @Test
  void rfc9406_4_2_aCongestionEventEndsIt() {
    round(8, 20 * MS);
    h.congestion();
    assertEquals(DONE, h.phase());
  }
}
