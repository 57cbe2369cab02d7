package io.morgana.net.tcpip.tcp;

/**
 * CUBIC (RFC 9438). After a congestion event the window follows the cubic function of the time
 * t since the congestion-avoidance epoch began (§4.2),
 *
 * <pre>
 *   W_cubic(t) = C × (t − K)³ + W_max,    K = ∛((W_max − cwnd_epoch) / C)
 * </pre>
 *
 * in segments, with C = 0.4 and the multiplicative decrease β_cubic = 0.7 (§4.6: ssthresh =
 * flight size × β_cubic, W_max = cwnd). On each ACK the
 * window moves towards W_cubic(t + RTT), clamped to [cwnd, 1.5 × cwnd] (§4.4–§4.5), unless the
 * Reno-friendly estimate W_est (§4.3, growing by α_cubic = 3(1 − β)/(1 + β) segments per round
 * trip, then 1 once it reaches cwnd_prior) is larger, in which case the window is W_est. Fast
 * convergence (§4.7): a congestion event below the previous W_max lowers W_max to
 * cwnd × (1 + β)/2, releasing bandwidth to newer flows. Slow start is RFC 5681's (§4.10).
 */
final class Cubic implements CongestionControl {

  static final double C = 0.4;
  static final double BETA = 0.7;
  static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);
  /** The round-trip time assumed before one was measured. */
  static final long DEFAULT_RTT = 100_000_000L;

  /** W_max in segments; 0 before the first congestion event. */
  double wMax;
  /** cwnd_prior (§4.6), segments: the window when ssthresh was last set. */
  double cwndPrior;
  /** W_est (§4.3), segments. */
  double wEst;
  /** K, seconds. */
  double k;
  /** When the current congestion-avoidance epoch began, or -1: not begun. */
  long epochStart = -1;

  /** W_cubic(t) of RFC 9438 §4.2, in segments, t in seconds since the epoch began. */
  double wCubic(double t) {
    double d = t - k;
    return C * d * d * d + wMax;
  }

  @Override
  public long onAck(long cwnd, long ssthresh, long acked, int mss, long srtt, long now) {
    if (cwnd < ssthresh) {
      return cwnd + Math.min(acked, mss);
    }
    double w = (double) cwnd / mss;
    if (epochStart < 0) {
      // §4.2: the epoch begins; without an earlier congestion event, W_max is where we are.
      epochStart = now;
      if (wMax <= w) {
        k = 0;
        wMax = w;
      } else {
        k = Math.cbrt((wMax - w) / C);
      }
      wEst = w;
    }
    double segmentsAcked = (double) acked / mss;
    double t = (now - epochStart) / 1e9;
    double rtt = (srtt > 0 ? srtt : DEFAULT_RTT) / 1e9;
    // §4.3: the Reno-friendly region.
    double alpha = wEst >= cwndPrior ? 1.0 : ALPHA;
    wEst += alpha * segmentsAcked / w;
    double next;
    if (wCubic(t) < wEst) {
      next = wEst;
    } else {
      // §4.4–§4.5: concave and convex regions.
      double target = Math.min(Math.max(wCubic(t + rtt), w), 1.5 * w);
      next = w + (target - w) / w * segmentsAcked;
    }
    return Math.max(cwnd, Math.min((long) (next * mss), 1L << 30));
  }

  @Override
  public long onCongestion(long cwnd, long flightSize, int mss, long now) {
    double w = (double) cwnd / mss;
    // §4.7: fast convergence.
    wMax = w < wMax ? w * (1 + BETA) / 2 : w;
    cwndPrior = w;
    epochStart = -1;
    return Math.max((long) (flightSize * BETA), 2L * mss);
  }
}
