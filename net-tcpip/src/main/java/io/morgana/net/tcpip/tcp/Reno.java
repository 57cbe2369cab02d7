package io.morgana.net.tcpip.tcp;

/**
 * RFC 5681 §3.1: slow start (the window grows by at most one MSS per ACK, RFC 3465's L = 1, which
 * RFC 3465 §2.3 asks for in the slow start after a retransmission timeout — the initial slow start
 * is {@link HyStartPlusPlus}'s) and congestion avoidance (one MSS per round trip, counted in bytes
 * acknowledged as RFC 3465 §2.1 does: SMSS × acked / cwnd per ACK, so an ACK covering k segments —
 * a delayed or stretch ACK, RFC 3449 §5.2.3 — grows the window as k ACKs of one segment would);
 * a congestion event halves the flight size (equation 4: ssthresh = max(FlightSize / 2, 2 × SMSS)).
 */
final class Reno implements CongestionControl {

  @Override
  public long onAck(long cwnd, long ssthresh, long acked, int mss, long srtt, long now) {
    if (cwnd < ssthresh) {
      return cwnd + Math.min(acked, mss);
    }
    return cwnd + Math.max(1, (long) mss * acked / cwnd);
  }

  @Override
  public long onCongestion(long cwnd, long flightSize, int mss, long now) {
    return Math.max(flightSize / 2, 2L * mss);
  }
}
