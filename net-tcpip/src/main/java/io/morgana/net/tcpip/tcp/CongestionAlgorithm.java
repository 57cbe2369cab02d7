package io.morgana.net.tcpip.tcp;

/** The congestion control of new connections ({@link TcpSettings#congestionControl()}). */
public enum CongestionAlgorithm {
  /** CUBIC (RFC 9438), the default, as Linux's. */
  CUBIC,
  /** Reno (RFC 5681): slow start, congestion avoidance of one segment per round trip, halving. */
  RENO;

  CongestionControl create() {
    return this == CUBIC ? new Cubic() : new Reno();
  }
}
