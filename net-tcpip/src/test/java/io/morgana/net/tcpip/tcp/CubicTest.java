package io.morgana.net.tcpip.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CUBIC's window against RFC 9438's formulas (segments of 1,000 bytes, a 100 ms round trip). */
class CubicTest {

  private static final int MSS = 1000;
  private static final long RTT = 100_000_000L;
  private static final long SECOND = 1_000_000_000L;

  /** A window of {@code segments} that just saw a congestion event at time 0; returns cwnd after it. */
  private static long congestionAt(Cubic c, int segments, long[] ssthresh) {
    long cwnd = (long) segments * MSS;
    ssthresh[0] = c.onCongestion(cwnd, cwnd, MSS, 0);
    return ssthresh[0];
  }

  /** One round trip's worth of ACKs (one per segment), at {@code now}. */
  private static long roundTrip(Cubic c, long cwnd, long ssthresh, long now) {
    long segments = cwnd / MSS;
    for (long i = 0; i < segments; i++) {
      cwnd = c.onAck(cwnd, ssthresh, MSS, MSS, RTT, now);
    }
    return cwnd;
  }

  @Test
  void rfc9438_4_6_multiplicativeDecreaseIsBeta07() {
    Cubic c = new Cubic();
    long[] ssthresh = new long[1];
    assertEquals(70_000, congestionAt(c, 100, ssthresh));
    assertEquals(100.0, c.wMax, 1e-9);
    assertEquals(2 * MSS, c.onCongestion(2 * MSS, 2 * MSS, MSS, 0), "never below two segments");
  }

  @Test
  void rfc9438_4_2_kIsTheTimeToReturnToWmax() {
    Cubic c = new Cubic();
    long[] ssthresh = new long[1];
    long cwnd = congestionAt(c, 100, ssthresh);
    c.onAck(cwnd, ssthresh[0], MSS, MSS, RTT, 0); // the epoch begins
    assertEquals(Math.cbrt(100 * (1 - 0.7) / 0.4), c.k, 1e-9); // ∛75 ≈ 4.217 s
    assertEquals(70.0, c.wCubic(0), 1e-9, "W_cubic(0) = cwnd_epoch = β × W_max");
    assertEquals(100.0, c.wCubic(c.k), 1e-9, "W_cubic(K) = W_max");
    assertEquals(0.4 * Math.pow(1 - c.k, 3) + 100, c.wCubic(1), 1e-9);
  }

  @Test
  void rfc9438_4_4_windowFollowsWcubicConcaveThenPlateauThenConvex() {
    Cubic c = new Cubic();
    long[] ssthresh = new long[1];
    long cwnd = congestionAt(c, 100, ssthresh);
    long now = 0;
    double early = 0;
    double plateau = 0;
    for (int rtt = 0; rtt < 80; rtt++) {
      long before = cwnd;
      cwnd = roundTrip(c, cwnd, ssthresh[0], now);
      double t = now / 1e9;
      double segs = cwnd / (double) MSS;
      // The window tracks W_cubic(t + RTT) (or the Reno-friendly W_est when that is larger).
      double expected = Math.max(c.wCubic(t + RTT / 1e9), c.wEst);
      assertTrue(Math.abs(segs - expected) < 0.05 * expected + 1,
          "t=" + t + " cwnd " + segs + " segments, W_cubic(t+RTT) " + c.wCubic(t + RTT / 1e9) + ", W_est " + c.wEst);
      if (rtt == 1) {
        early = cwnd - before;
      }
      if (Math.abs(t - c.k) < RTT / 2e9) {
        plateau = cwnd - before;
      }
      now += RTT;
    }
    assertTrue(plateau < early / 3, "concave: growth " + early + " early, " + plateau + " near W_max");
    assertTrue(cwnd / (double) MSS > 100, "convex beyond K: past the old W_max");
    assertTrue(cwnd <= (long) (c.wCubic(now / 1e9) * 1.5 * MSS) + MSS, "never more than 1.5 × cwnd per round trip");
  }

  @Test
  void rfc9438_4_3_renoFriendlyRegionWithShortRoundTrips() {
    // A small W_max and a short RTT: W_cubic grows slower than Reno would; W_est takes over.
    Cubic c = new Cubic();
    long[] ssthresh = new long[1];
    long cwnd = congestionAt(c, 10, ssthresh);
    long now = 0;
    long rtt = 1_000_000L; // 1 ms
    for (int i = 0; i < 100; i++) {
      long segments = cwnd / MSS;
      for (long j = 0; j < segments; j++) {
        cwnd = c.onAck(cwnd, ssthresh[0], MSS, MSS, rtt, now);
      }
      now += rtt;
    }
    double t = now / 1e9;
    assertTrue(c.wCubic(t) < c.wEst, "W_cubic(" + t + ") = " + c.wCubic(t) + " below W_est " + c.wEst);
    assertEquals(c.wEst, cwnd / (double) MSS, 0.01, "cwnd = W_est in the Reno-friendly region");
    // α_cubic = 3(1-β)/(1+β) ≈ 0.53 segments per RTT until W_est reaches cwnd_prior (10), then 1.
    assertTrue(c.wEst > 7 + 100 * 0.5 && c.wEst < 7 + 100 * 1.0 + 1, "W_est " + c.wEst);
  }

  @Test
  void rfc9438_4_7_fastConvergenceLowersWmaxBelowTheLastOne() {
    Cubic c = new Cubic();
    c.onCongestion(100 * MSS, 100 * MSS, MSS, 0);
    assertEquals(100.0, c.wMax, 1e-9);
    c.onCongestion(80 * MSS, 80 * MSS, MSS, SECOND);
    assertEquals(80 * (1 + 0.7) / 2, c.wMax, 1e-9, "a loss below W_max: W_max = cwnd × (1 + β) / 2");
    c.onCongestion(90 * MSS, 90 * MSS, MSS, 2 * SECOND);
    assertEquals(90.0, c.wMax, 1e-9, "above W_max: W_max = cwnd");
  }

  @Test
  void rfc9438_4_10_slowStartBelowSsthreshIsRenos() {
    Cubic c = new Cubic();
    assertEquals(11 * MSS, c.onAck(10 * MSS, Long.MAX_VALUE, MSS, MSS, RTT, 0));
    assertEquals(11 * MSS, c.onAck(10 * MSS, Long.MAX_VALUE, 5 * MSS, MSS, RTT, 0), "at most one MSS per ACK");
  }

  @Test
  void rfc5681_renoHalvesAndGrowsOneSegmentPerRoundTrip() {
    Reno r = new Reno();
    assertEquals(50 * MSS, r.onCongestion(100 * MSS, 100 * MSS, MSS, 0));
    long cwnd = 50 * MSS;
    for (int i = 0; i < 50; i++) {
      cwnd = r.onAck(cwnd, 50 * MSS, MSS, MSS, RTT, 0);
    }
    assertEquals(51 * MSS, cwnd, 100.0, "about one segment in a round trip");
  }
}
