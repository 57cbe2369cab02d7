package io.morgana.net.tcpip.tcp;

/**
 * RFC 5681 §3.1: slow start (the window grows by at most one MSS per ACK, RFC 3465's L = 1) and
 * congestion avoidance (about one MSS per round trip); a congestion event halves the flight size
 * (equation 4: ssthresh = max(FlightSize / 2, 2 × SMSS)).
 */
final class Reno implements CongestionControl {

  @Override
  public long onAck(long cwnd, long ssthresh, long acked, int mss, long srtt, long now) {
    if (cwnd < ssthresh) {
      return cwnd + Math.min(acked, mss);
    }
    return cwnd + Math.max(1, (long) mss * mss / cwnd);
  }

  @Override
  public long onCongestion(long cwnd, long flightSize, int mss, long now) {
    return Math.max(flightSize / 2, 2L * mss);
  }
}
