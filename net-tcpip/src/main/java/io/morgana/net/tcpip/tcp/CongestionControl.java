package io.morgana.net.tcpip.tcp;

/**
 * How a connection's congestion window grows and how far it shrinks on congestion (RFC 5681's
 * framework). Loss detection and recovery (fast retransmit, NewReno, SACK) are the connection's;
 * an implementation only answers "how big now" ({@link CongestionAlgorithm} chooses it). One
 * instance per connection, loop thread only;
 * windows are in bytes, time in nanoseconds.
 */
interface CongestionControl {

  /**
   * New data was acknowledged outside loss recovery.
   *
   * @param cwnd the window now
   * @param ssthresh the slow-start threshold
   * @param acked bytes newly acknowledged
   * @param mss the sender's maximum segment size
   * @param srtt the smoothed round-trip time, or a negative number when not measured yet
   * @param now the time
   * @return the new window
   */
  long onAck(long cwnd, long ssthresh, long acked, int mss, long srtt, long now);

  /**
   * A congestion event (a loss found by duplicate ACKs, SACK or a timeout), once per window of
   * data.
   *
   * @return the new slow-start threshold, at least two segments
   */
  long onCongestion(long cwnd, long flightSize, int mss, long now);
}
