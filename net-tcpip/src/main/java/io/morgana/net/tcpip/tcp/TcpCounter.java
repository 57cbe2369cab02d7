package io.morgana.net.tcpip.tcp;

import io.morgana.net.tcpip.internal.ProtocolCounter;

/**
 * What the tcp layer counts (RFC 9293). Owned by {@link TcpLayer}; read through {@link
 * io.morgana.net.tcpip.TcpipStack#stats()}.
 */
public enum TcpCounter implements ProtocolCounter {
  RX_SEGMENTS("TCP segments received and checked"),
  RX_DROP_MALFORMED("TCP segments truncated or with an impossible data offset"),
  RX_DROP_BAD_CHECKSUM("TCP segments with a wrong checksum"),
  RX_DROP_NOT_UNICAST("TCP segments to a broadcast or multicast address"),
  RX_BAD_OPTIONS("TCP segments whose options ended at an impossible length (options before it kept)"),
  RX_CLOSED_PORT("TCP segments to a port with no connection and no listener (answered with RST)"),
  RX_DROP_UNACCEPTABLE("segments outside the receive window (answered with an ACK)"),
  RX_DROP_PAWS("segments with an old timestamp (RFC 7323 §5, answered with an ACK)"),
  RX_RST("acceptable RSTs that ended a connection"),
  RX_CHALLENGE_ACKS("challenge ACKs sent for in-window RSTs and SYNs (RFC 5961)"),
  RX_CHALLENGE_ACKS_LIMITED("challenge ACKs not sent: over the rate limit (RFC 5961 §7)"),
  RX_DROP_BAD_ACK("segments acknowledging data not yet sent or too old (RFC 5961 §5)"),
  RX_OUT_OF_ORDER("data segments queued out of order"),
  RX_DROP_OUT_OF_ORDER_FULL("out-of-order segments (or parts) dropped: no room in the receive buffer"),
  RX_OUT_OF_ORDER_DUPLICATE("out-of-order segments whose data was all held already (not stored twice)"),
  RX_DROP_MEMORY("data segments dropped, or cut short: the stack's total receive budget was used up"),
  RX_DROP_LISTEN_OVERFLOW("SYNs dropped: the listener's accept queue or the connection limit were full"),
  SYN_COOKIES_SENT("SYN-ACKs carrying a SYN cookie: the half-open queue was full (RFC 4987)"),
  SYN_COOKIES_ACCEPTED("connections established from a returned SYN cookie"),
  RX_BAD_COOKIES("ACKs to a listener without a valid SYN cookie (answered with RST)"),
  RX_DROP_DATA_AFTER_CLOSE("data segments received after the application closed (discarded)"),
  RX_ICMP_ERRORS("ICMP errors about our segments"),
  TX_SEGMENTS("TCP segments sent"),
  TX_RETRANSMITS("segments retransmitted after a timeout"),
  TX_FAST_RETRANSMITS("segments retransmitted on three duplicate ACKs or a partial ACK (RFC 6582)"),
  TX_RST("RSTs sent"),
  TX_SACK_RETRANSMITS("segments retransmitted in SACK-based loss recovery (RFC 6675 NextSeg)"),
  TX_RESCUE_RETRANSMITS("rescue retransmissions of the highest unSACKed data, once per SACK recovery (RFC 6675 §4 rule 4)"),
  HYSTART_EXITS("initial slow starts left early for Conservative Slow Start: the round-trip time rose (RFC 9406)"),
  HYSTART_RESUMED("Conservative Slow Starts that returned to slow start: the RTT rise was jitter (RFC 9406 §4.2)"),
  SACK_RECOVERIES("loss recoveries driven by the peer's SACK blocks (RFC 6675)"),
  TX_WAIT_MEMORY("writes that waited for room in the stack's total send budget (TcpSettings.sendBudget)"),
  TX_WINDOW_PROBES("zero-window probes sent"),
  TX_KEEPALIVE_PROBES("keep-alive probes sent (RFC 9293 §3.8.4)"),
  TX_WINDOW_UPDATES("window updates sent at once because the application's read opened the window"),
  CONNECTIONS_OPENED_ACTIVE("connections opened by connect"),
  CONNECTIONS_OPENED_PASSIVE("connections accepted from a listener"),
  CONNECTIONS_RESET("connections ended by a RST"),
  CONNECTIONS_TIMED_OUT("connections given up: retransmissions, user timeout or keep-alive unanswered"),
  CONNECTIONS_REFUSED("connects refused by the peer"),
  TIME_WAIT_OVERFLOW("TIME-WAIT connections ended early, the oldest first: maxTimeWait were waiting"),
  TIME_WAIT_REUSED("TIME-WAIT connections replaced by a new incarnation of their 4-tuple (RFC 6191; connect as Linux's tcp_tw_reuse)"),
  CONNECT_NO_PORT("connects refused: every ephemeral port to that peer was in use"),
  CONNECTION_LIMIT("connects refused or SYNs dropped: maxConnections connections were open");

  private final String description;

  TcpCounter(String description) {
    this.description = description;
  }

  @Override
  public String protocol() {
    return "tcp";
  }

  @Override
  public String description() {
    return description;
  }
}
