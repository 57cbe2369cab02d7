package io.morgana.net.tcpip.tcp;

import java.time.Duration;

/**
 * The limits and switches of a {@link TcpLayer}. Memory: each connection holds at most {@link
 * #sendBuffer} + {@link #receiveBuffer} bytes of data (out-of-order data counts against the
 * receive buffer), and all connections together at most {@link #receiveBudget} bytes received and
 * {@link #sendBudget} bytes to send, plus one MSS per connection that had nothing queued ({@link
 * SendBudget}'s rule), so the stack's TCP data is bounded by {@code receiveBudget + sendBudget +
 * maxConnections × MSS}.
 *
 * @param sendBuffer bytes queued for sending per connection (written but not yet acknowledged):
 *     what a bulk sender can have in flight, so it must cover the path's bandwidth × round trip.
 *     Allocated as used (an idle connection holds none) and bounded in total by {@code
 *     sendBudget}, so a large one costs only the connections that send. 1 MiB by default: with
 *     256 KiB chargen to Linux over a TAP ran out of it before each ACK (in flight exactly 262,144
 *     bytes), and 1 MiB gave it 1.2–1.4× in three runs (benchmarks/tcp/README.md); Linux tunes
 *     its own up to {@code tcp_wmem}'s 4 MiB
 * @param receiveBuffer bytes received but not yet read, per connection; also the window offered
 * @param maxConnections connections in every state but LISTEN and TIME-WAIT, in all
 * @param maxTimeWait connections kept in TIME-WAIT; beyond, the oldest of them ends early (Linux's
 *     {@code tcp_max_tw_buckets} bounds the same count)
 * @param backlog per listener: half-open (SYN-RECEIVED) connections, and established ones not
 *     yet accepted, each. The accept queue is what absorbs an acceptor thread that is not
 *     scheduled for a while: at 2,500 connections/s a 128-entry queue overflows in 50 ms, and each
 *     SYN dropped for it costs its client a 1 s retransmission, which is why Linux raised
 *     {@code somaxconn} from 128 to 4,096 (5.4) and the default here is 1,024
 * @param nagle Nagle's algorithm (RFC 9293 §3.7.4) for new connections
 * @param msl maximum segment lifetime; TIME-WAIT lasts twice this (RFC 9293 §3.4.2)
 * @param synRetries SYN or SYN-ACK retransmissions before a handshake is given up
 * @param dataRetries retransmissions of data or FIN before the connection times out (RFC 9293
 *     §3.8.3's R2, as a count as Linux's {@code tcp_retries2})
 * @param finWait2Timeout how long an application-closed connection waits in FIN-WAIT-2 for the
 *     peer's FIN (Linux's {@code tcp_fin_timeout})
 * @param secret the RFC 6528 key of the initial sequence numbers; 0 draws one at random
 * @param receiveBudget bytes of received data all connections together may hold (unread or out
 *     of order); beyond it data segments are dropped (the peer retransmits) and windows close
 * @param congestionControl CUBIC (RFC 9438, default) or Reno (RFC 5681) for new connections
 * @param keepAliveIdle keep-alive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): probe a connection idle
 *     this long; {@link Duration#ZERO} turns keep-alive off (the default, as RFC 1122 asks); at
 *     least two hours when on, by RFC 1122, unless set lower explicitly here
 * @param keepAliveInterval between unanswered keep-alive probes
 * @param keepAliveProbes unanswered probes after which the connection times out
 * @param userTimeout RFC 9293 §3.8.3 / RFC 5482: how long sent data may stay unacknowledged before
 *     the connection times out, whatever the retransmission count; {@link Duration#ZERO} leaves
 *     it to {@link #dataRetries} alone
 * @param sendBudget bytes of application data all connections together may hold for sending
 *     (written, not yet acknowledged); a write beyond it waits, as one beyond the connection's
 *     {@link #sendBuffer} does, until acknowledgements free room. A connection with nothing queued
 *     may always queue one MSS, so no connection can be locked out by the others
 */
public record TcpSettings(
    int sendBuffer,
    int receiveBuffer,
    int maxConnections,
    int maxTimeWait,
    int backlog,
    boolean nagle,
    Duration msl,
    int synRetries,
    int dataRetries,
    Duration finWait2Timeout,
    long secret,
    long receiveBudget,
    CongestionAlgorithm congestionControl,
    Duration keepAliveIdle,
    Duration keepAliveInterval,
    int keepAliveProbes,
    Duration userTimeout,
    long sendBudget) {

  /** Keep-alive timing of RFC 1122 §4.2.3.6 and Linux: 2 h idle, then 9 probes 75 s apart. */
  public static final Duration KEEPALIVE_IDLE = Duration.ofHours(2);
  public static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(75);
  public static final int KEEPALIVE_PROBES = 9;
  /** The default {@link #sendBudget}: 64 MiB, 64 send buffers of the default size in full. */
  public static final long SEND_BUDGET = 64L << 20;

  /**
   * 1 MiB to send and 256 KiB received per connection, 65,536 connections, 4,096 in TIME-WAIT, backlog 1,024, Nagle on, MSL 30 s,
   * 256 MiB of received data and 64 MiB of data to send in all, CUBIC, keep-alive off (2 h idle,
   * 75 s apart, 9 probes when turned on, as Linux), no user timeout.
   */
  public static final TcpSettings DEFAULTS = new TcpSettings(
      1024 * 1024, 256 * 1024, 65_536, 4_096, 1_024, true, Duration.ofSeconds(30), 6, 12,
      Duration.ofSeconds(60), 0, 256L << 20);

  /** The settings as before congestion control and keep-alive were configurable: CUBIC, keep-alive off. */
  public TcpSettings(int sendBuffer, int receiveBuffer, int maxConnections, int maxTimeWait, int backlog,
      boolean nagle, Duration msl, int synRetries, int dataRetries, Duration finWait2Timeout, long secret,
      long receiveBudget) {
    this(sendBuffer, receiveBuffer, maxConnections, maxTimeWait, backlog, nagle, msl, synRetries, dataRetries,
        finWait2Timeout, secret, receiveBudget, CongestionAlgorithm.CUBIC, Duration.ZERO, KEEPALIVE_INTERVAL,
        KEEPALIVE_PROBES, Duration.ZERO, SEND_BUDGET);
  }

  public TcpSettings {
    if (sendBuffer < 4096 || receiveBuffer < 4096) {
      throw new IllegalArgumentException("buffers must be at least 4096 bytes");
    }
    if (receiveBuffer > (65_535 << 14)) {
      throw new IllegalArgumentException("receive buffer too large for window scaling");
    }
    if (receiveBudget < receiveBuffer) {
      throw new IllegalArgumentException("the receive budget must hold at least one receive buffer");
    }
    if (sendBudget < sendBuffer) {
      throw new IllegalArgumentException("the send budget must hold at least one send buffer");
    }
    if (maxConnections < 1 || maxTimeWait < 0 || backlog < 1 || synRetries < 1 || dataRetries < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (congestionControl == null) {
      throw new IllegalArgumentException("congestion control must be named");
    }
    if (keepAliveIdle.isNegative() || !keepAliveInterval.isPositive() || keepAliveProbes < 1
        || userTimeout.isNegative()) {
      throw new IllegalArgumentException("keep-alive and user timeout must be positive (zero: off)");
    }
  }

  public TcpSettings withCongestionControl(CongestionAlgorithm algorithm) {
    return new TcpSettings(sendBuffer, receiveBuffer, maxConnections, maxTimeWait, backlog, nagle, msl,
        synRetries, dataRetries, finWait2Timeout, secret, receiveBudget, algorithm, keepAliveIdle,
        keepAliveInterval, keepAliveProbes, userTimeout, sendBudget);
  }

  /** Keep-alive for new connections: probes after {@code idle} without traffic ({@code ZERO}: off). */
  public TcpSettings withKeepAlive(Duration idle, Duration interval, int probes) {
    return new TcpSettings(sendBuffer, receiveBuffer, maxConnections, maxTimeWait, backlog, nagle, msl,
        synRetries, dataRetries, finWait2Timeout, secret, receiveBudget, congestionControl, idle, interval,
        probes, userTimeout, sendBudget);
  }

  /** The user timeout of new connections (RFC 9293 §3.8.3; {@code ZERO}: none). */
  public TcpSettings withUserTimeout(Duration timeout) {
    return new TcpSettings(sendBuffer, receiveBuffer, maxConnections, maxTimeWait, backlog, nagle, msl,
        synRetries, dataRetries, finWait2Timeout, secret, receiveBudget, congestionControl, keepAliveIdle,
        keepAliveInterval, keepAliveProbes, timeout, sendBudget);
  }

  public TcpSettings withNagle(boolean on) {
    return new TcpSettings(sendBuffer, receiveBuffer, maxConnections, maxTimeWait, backlog, on, msl,
        synRetries, dataRetries, finWait2Timeout, secret, receiveBudget, congestionControl, keepAliveIdle, keepAliveInterval,
        keepAliveProbes, userTimeout, sendBudget);
  }

  public TcpSettings withSecret(long key) {
    return new TcpSettings(sendBuffer, receiveBuffer, maxConnections, maxTimeWait, backlog, nagle, msl,
        synRetries, dataRetries, finWait2Timeout, key, receiveBudget, congestionControl, keepAliveIdle, keepAliveInterval, keepAliveProbes,
        userTimeout, sendBudget);
  }

  public TcpSettings withBuffers(int send, int receive) {
    return new TcpSettings(send, receive, maxConnections, maxTimeWait, backlog, nagle, msl,
        synRetries, dataRetries, finWait2Timeout, secret, receiveBudget, congestionControl, keepAliveIdle, keepAliveInterval,
        keepAliveProbes, userTimeout, sendBudget);
  }

  public TcpSettings withReceiveBudget(long bytes) {
    return new TcpSettings(sendBuffer, receiveBuffer, maxConnections, maxTimeWait, backlog, nagle, msl,
        synRetries, dataRetries, finWait2Timeout, secret, bytes, congestionControl, keepAliveIdle, keepAliveInterval, keepAliveProbes, userTimeout, sendBudget);
  }

  /** The stack-wide {@link #sendBudget}, in bytes. */
  public TcpSettings withSendBudget(long bytes) {
    return new TcpSettings(sendBuffer, receiveBuffer, maxConnections, maxTimeWait, backlog, nagle, msl,
        synRetries, dataRetries, finWait2Timeout, secret, receiveBudget, congestionControl, keepAliveIdle,
        keepAliveInterval, keepAliveProbes, userTimeout, bytes);
  }

  public TcpSettings withLimits(int connections, int timeWait, int listenBacklog) {
    return new TcpSettings(sendBuffer, receiveBuffer, connections, timeWait, listenBacklog, nagle, msl,
        synRetries, dataRetries, finWait2Timeout, secret, receiveBudget, congestionControl, keepAliveIdle, keepAliveInterval,
        keepAliveProbes, userTimeout, sendBudget);
  }
}
