package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static io.morgana.net.tcpip.wire.TcpPacket.FIN;
import static io.morgana.net.tcpip.wire.TcpPacket.PSH;
import static io.morgana.net.tcpip.wire.TcpPacket.RST;
import static io.morgana.net.tcpip.wire.TcpPacket.SYN;

import io.morgana.api.Endpoint;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.morgana.net.tcpip.wire.TcpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;

/**
 * One TCP connection: its transmission control block and state machine (RFC 9293 §3.3, §3.10).
 * Loop thread only; driven by {@link TcpLayer} with parsed segments and the time.
 *
 * <ul>
 *   <li>Segment arrival: RFC 9293 §3.10.7.3 (SYN-SENT) and §3.10.7.4 (the other states) step by
 *       step — PAWS (RFC 7323 §5), sequence acceptability and trimming to the window, RST with
 *       RFC 5961 §3 (reset only at exactly RCV.NXT, otherwise a challenge ACK), SYN with RFC 5961
 *       §4 (challenge ACK), ACK acceptability with RFC 5961 §5, data, FIN.
 *   <li>Options: MSS both ways (never a segment above the peer's MSS or our MTU, RFC 9293
 *       §3.7.1), window scaling and timestamps (RFC 7323 §2, §3, §4.3: TS.Recent updated only
 *       from segments covering Last.ACK.sent).
 *   <li>Retransmission: RFC 6298 (SRTT/RTTVAR, 1 s initial RTO, 200 ms floor as Linux, 120 s
 *       ceiling, exponential backoff, Karn's rule when there are no timestamps) with a give-up
 *       limit; after a timeout everything unacknowledged is sent again (go-back-N).
 *   <li>Congestion control: CUBIC (RFC 9438) or Reno (RFC 5681), a {@link CongestionControl};
 *       initial window of ten segments (RFC 6928); fast retransmit, then SACK-based loss recovery
 *       (RFC 6675, {@link SackScoreboard}) when SACK was agreed and the peer sends blocks, NewReno
 *       (RFC 6582) otherwise.
 *   <li>Sending: Nagle (RFC 9293 §3.7.4, switchable; Minshall's variant), sender silly-window avoidance (RFC 1122
 *       §4.2.3.4), zero-window probes (RFC 9293 §3.8.6.1) with backoff.
 *   <li>Receiving: delayed ACKs (RFC 1122 §4.2.3.2: every second full segment, 40 ms
 *       otherwise; the ACK for full segments held to the end of the receive batch, {@link
 *       #ackAtBatchEnd}), receiver silly-window avoidance (RFC 1122 §4.2.3.3), the window never
 *       shrinks and reopens as the application reads (an immediate window update), out-of-order
 *       data kept within the receive buffer and reported in SACK blocks when agreed (RFC 2018).
 * </ul>
 */
public final class TcpConnection {

  static final long MIN_RTO = 200_000_000L;
  static final long INITIAL_RTO = 1_000_000_000L;
  static final long MAX_RTO = 120_000_000_000L;
  static final long DELAYED_ACK = 40_000_000L;
  /**
   * The most full-sized segments one ACK held to the end of a receive batch may cover ({@link
   * #ackAtBatchEnd}): 8, HyStart++'s L for a sender that does not pace (RFC 9406 §4.2) — what
   * such a sender, Morgana's own among them, may grow its window by per ACK in slow start, so an
   * ACK covering at most this much costs it no growth — and 4× fewer ACKs than one per two
   * segments.
   */
  static final int MAX_ACK_STRETCH_SEGMENTS = 8;
  /**
   * The most bytes one such ACK may cover, whichever bound comes first: 64 KiB, the most Linux's
   * GRO merges into one packet (without BIG TCP), hence the most a Linux receiver acknowledges at
   * once on a busy link; it binds with jumbo frames (eight full segments of a 9,000-byte MTU are
   * more).
   */
  static final int MAX_ACK_STRETCH_BYTES = 64 * 1024;
  /** RFC 9293 §3.7.1: the MSS assumed when the peer sends none. */
  static final int DEFAULT_MSS = 536;
  static final long NONE = Long.MAX_VALUE;
  static final boolean DEBUG = Boolean.getBoolean("morgana.tcp.debug");

  final TcpLayer layer;
  final long key;
  final int localAddress;
  final int localPort;
  final int remoteAddress;
  final int remotePort;
  final TcpLayer.Listener listener;
  TcpState state;
  boolean nagle;
  /** Whether a segment shorter than the MSS has been sent, and where it ended (Minshall's Nagle). */
  private boolean sentSmall;
  private int smallEnd;

  // Send sequence space (RFC 9293 §3.3.1).
  int iss;
  int sndUna;
  int sndNxt;
  /** The highest sequence number sent (sndNxt goes back after a timeout; this does not). */
  int sndMax;
  int sndWl1;
  int sndWl2;
  long sndWnd;
  long maxSndWnd;
  int sndScale;
  /** Data from {@link #queueSeq} on: unacknowledged or not yet sent. */
  ByteBuf sendQueue;
  int queueSeq;
  boolean finQueued;
  /** The sequence number of our FIN, once queued. */
  int finSeq;

  // Receive sequence space.
  int irs;
  int rcvNxt;
  /** The right edge of the window we last advertised. */
  int rcvAdv;
  int rcvScale;
  /** In-order data not yet read. */
  ByteBuf received;
  /**
   * Data above RCV.NXT held for reassembly: {start, ByteBuf} pairs sorted by start, disjoint, so
   * a byte is held at most once ({@link #holdOutOfOrder}).
   */
  final ArrayList<Object[]> outOfOrder = new ArrayList<>(0);
  /** Bytes in {@link #outOfOrder}; with {@link #readable()} at most the receive buffer. */
  int outOfOrderBytes;
  boolean finReceived;
  boolean outOfOrderFin;
  int outOfOrderFinSeq;
  int unackedSegments;
  int unackedBytes;
  /** An ACK is owed at the end of the current receive batch ({@link #ackAtBatchEnd}). */
  boolean ackAtBatchEnd;
  /** In the layer's list of connections to visit at the end of the batch (until it visits). */
  boolean batchAckQueued;

  // Options.
  int sendMss = DEFAULT_MSS;
  int ourMss;
  boolean timestamps;
  int tsRecent;
  int tsOffset;
  int lastAckSent;
  boolean windowScaling;
  /** SACK agreed (RFC 2018 §2): we send SACK blocks and recover from loss with the peer's. */
  boolean sack;
  /** The peer's SACK blocks (RFC 6675), made at the first one. */
  SackScoreboard scoreboard;
  /** The current recovery is SACK-based (RFC 6675) rather than NewReno's (RFC 6582). */
  boolean sackRecovery;
  /** Start of the most recent out-of-order segment: its block goes first (RFC 2018 §4). */
  int lastOutOfOrderSeq;

  // RFC 6298.
  long srtt = -1;
  long rttvar;
  long rto = INITIAL_RTO;
  int retries;
  int rttSeq;
  long rttStart = -1;

  /** When the last acceptable ACK arrived. */
  long lastAckAt;

  // RFC 5681 / 6582 / 6675; the window's growth and decrease are the congestion control's.
  final CongestionControl cc;
  /** The initial slow start's HyStart++ (RFC 9406); null once it is over. */
  HyStartPlusPlus hystart = new HyStartPlusPlus();
  long cwnd;
  long ssthresh = Long.MAX_VALUE;
  int dupAcks;
  boolean inRecovery;
  int recover;

  // Timers (absolute nanos or NONE).
  long retransmitAt = NONE;
  long delayedAckAt = NONE;
  long persistAt = NONE;
  long persistBackoff;
  long timeWaitAt = NONE;
  long userDeadline = NONE;

  // Keep-alive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) and user timeout (RFC 9293 §3.8.3, RFC 5482).
  long keepAliveIdle;
  long keepAliveInterval;
  int keepAliveProbes;
  int keepAliveProbesSent;
  long keepAliveAt = NONE;
  /** When an acceptable segment last arrived. */
  long lastHeardAt;
  /** 0: none; otherwise how long sent data may stay unacknowledged. */
  long userTimeout;
  /** When SND.UNA last advanced, or sending started from nothing in flight. */
  long progressAt;

  // The application's side.
  boolean closedByApp;
  boolean outputShut;
  IOException error;
  CompletableFuture<TcpConnection> pendingConnect;
  CompletableFuture<ByteBuf> pendingRead;
  CompletableFuture<Void> pendingWrite;
  ByteBuf pendingWriteData;
  /**
   * Written on the loop, read by application threads ({@link TcpService}'s write-behind): the
   * bytes this connection has taken off the send queue as acknowledged, plus the send buffer's
   * size. An application that has written no more than this in all may hand a write to the loop
   * without waiting: it is bound to fit the send queue when the loop takes it.
   */
  volatile long writeLimit;
  /** Written on the loop, read by application threads: writes must wait for the loop's answer (reset, shut down). */
  volatile boolean writesMustWait;
  /**
   * Bytes charged to the layer's {@link SendBudget}: the send queue plus {@link #pendingCharged};
   * given back as they are acknowledged and all at once when the connection ends.
   */
  long sendCharged;
  /** Bytes of {@link #pendingWriteData} charged already: write-behinds, reserved by the application's thread. */
  int pendingCharged;
  /** A write waits for room in the stack's total send budget. */
  boolean waitsForBudget;
  /** Has a place in the send budget's line (which it may keep after it stopped waiting). */
  boolean inBudgetLine;
  boolean removed;
  /** Counted in its listener's half-open connections. */
  boolean halfOpen;
  /** Counted among the layer's TIME-WAIT connections. */
  boolean inTimeWait;
  /** Position in the layer's {@link DeadlineHeap}, or -1 when not in it. */
  int heapIndex = -1;
  /** Its key there: at most {@link #nextDeadline()} while in it; {@link #NONE} when not. */
  long heapDeadline = NONE;

  TcpConnection(TcpLayer layer, long key, int localAddress, int localPort, int remoteAddress, int remotePort,
      TcpLayer.Listener listener, boolean nagle) {
    this.layer = layer;
    this.key = key;
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
    this.listener = listener;
    this.nagle = nagle;
    this.state = TcpState.CLOSED;
    this.cc = layer.settings().congestionControl().create();
    TcpSettings settings = layer.settings();
    this.keepAliveIdle = settings.keepAliveIdle().toNanos();
    this.keepAliveInterval = settings.keepAliveInterval().toNanos();
    this.keepAliveProbes = settings.keepAliveProbes();
    this.userTimeout = settings.userTimeout().toNanos();
    this.writeLimit = settings.sendBuffer();
  }

  public TcpState state() {
    return state;
  }

  public Endpoint localEndpoint() {
    return new Endpoint(layer.cache().ipv4(localAddress), localPort);
  }

  public Endpoint remoteEndpoint() {
    return new Endpoint(layer.cache().ipv4(remoteAddress), remotePort);
  }

  /** Turns Nagle's algorithm on or off for this connection (RFC 9293 §3.7.4). */
  public void nagle(boolean on) {
    nagle = on;
  }

  /**
   * Keep-alive for this connection (RFC 9293 §3.8.4): after {@code idle} without a segment from
   * the peer, a probe every {@code interval}; after {@code probes} unanswered the connection
   * times out ({@link SocketTimeoutException}). {@code Duration.ZERO} idle turns it off. Loop
   * thread.
   */
  public void keepAlive(java.time.Duration idle, java.time.Duration interval, int probes) {
    if (idle.isNegative() || !interval.isPositive() || probes < 1) {
      throw new IllegalArgumentException("keep-alive: idle >= 0, interval > 0, probes >= 1");
    }
    keepAliveIdle = idle.toNanos();
    keepAliveInterval = interval.toNanos();
    keepAliveProbes = probes;
    keepAliveProbesSent = 0;
    keepAliveAt = keepAliveIdle == 0 || !state.synchronizedState() ? NONE : lastHeardAt + keepAliveIdle;
    layer.rescheduled(this);
  }

  /**
   * The user timeout of this connection (RFC 9293 §3.8.3, RFC 5482): sent data unacknowledged
   * this long ends the connection with a {@link SocketTimeoutException}, instead of the count of
   * {@link TcpSettings#dataRetries}; {@code Duration.ZERO} returns to the count. Loop thread.
   */
  public void userTimeout(java.time.Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("user timeout must not be negative");
    }
    userTimeout = timeout.toNanos();
  }

  /**
   * {@link io.morgana.api.Flow#set} on the loop: applies {@code option} to this connection, or
   * returns why it cannot (the flow was closed, or the connection ended: the error its other calls
   * see). Loop thread.
   */
  IOException option(io.morgana.api.FlowOption<?> option, Object value, long now) {
    if (closedByApp) {
      return new SocketException("Flow closed");
    }
    if (error != null || removed) {
      return error != null ? error : new SocketException("Connection closed");
    }
    if (option == io.morgana.api.FlowOption.NO_DELAY) {
      nagle(!(Boolean) value);
      output(now); // data Nagle was holding goes now
      layer.rescheduled(this);
    } else if (option == io.morgana.api.FlowOption.KEEP_ALIVE) {
      io.morgana.api.FlowOption.KeepAlive k = (io.morgana.api.FlowOption.KeepAlive) value;
      keepAlive(k.idle(), k.interval(), k.probes());
    } else if (option == io.morgana.api.FlowOption.USER_TIMEOUT) {
      userTimeout((java.time.Duration) value);
      if (userTimeout > 0 && retransmitAt != NONE && state.synchronizedState()) {
        // The timer fires no later than the new deadline.
        retransmitAt = Math.max(now, Math.min(retransmitAt, progressAt + userTimeout));
        layer.rescheduled(this);
      }
    } else {
      throw new UnsupportedOperationException(option + " is not supported by net-tcpip");
    }
    return null;
  }

  /** The current retransmission timeout, nanoseconds. */
  public long rto() {
    return rto;
  }

  /** The largest segment payload we send. */
  public int sendMss() {
    return sendMss;
  }

  public long congestionWindow() {
    return cwnd;
  }

  /** Bytes of data received and not yet read. */
  public int readable() {
    return received == null ? 0 : received.readableBytes();
  }

  // ---------------------------------------------------------------- opening

  /** Active open (RFC 9293 §3.10.1) with initial sequence number {@code iss}: sends the SYN. */
  void open(int iss, long now) {
    initSend(iss);
    state = TcpState.SYN_SENT;
    sendSyn(false, now);
  }

  /** Passive open from LISTEN on a SYN (RFC 9293 §3.10.7.2), with our initial sequence number {@code iss}. */
  void acceptSyn(TcpPacket seg, TcpOptions opts, int iss, long now) {
    initSend(iss);
    irs = seg.sequence();
    rcvNxt = irs + 1;
    takeSynOptions(opts, true);
    if (timestamps) {
      tsRecent = opts.timestampValue();
    }
    sndWnd = seg.window();
    maxSndWnd = sndWnd;
    sndWl1 = seg.sequence();
    sndWl2 = iss;
    state = TcpState.SYN_RECEIVED;
    sendSyn(true, now);
  }

  /**
   * Established from a returned SYN cookie (RFC 4987 §3.6): the ACK acknowledges our ISN (the
   * cookie), its sequence number is the peer's ISN + 1, and the MSS is the cookie's; no window
   * scaling, timestamps or SACK, which only state could have remembered.
   */
  void acceptCookie(TcpPacket ack, int mss, long now) {
    iss = ack.acknowledgment() - 1;
    irs = ack.sequence() - 1;
    rcvNxt = ack.sequence();
    sndUna = iss + 1;
    sndNxt = sndUna;
    sndMax = sndUna;
    queueSeq = sndUna;
    tsOffset = layer.timestampOffset(key);
    ourMss = layer.ourMss();
    rcvScale = 0;
    sndScale = 0;
    windowScaling = false;
    timestamps = false;
    sack = false;
    sendMss = Math.min(mss, ourMss);
    cwnd = 10L * sendMss;
    rcvAdv = rcvNxt + Math.min(layer.settings().receiveBuffer(), 65_535);
    lastAckSent = rcvNxt;
    sndWnd = ack.window();
    maxSndWnd = sndWnd;
    sndWl1 = ack.sequence();
    sndWl2 = ack.acknowledgment();
    established(now);
  }

  private void initSend(int iss) {
    this.iss = iss;
    sndUna = iss;
    sndNxt = iss;
    sndMax = iss;
    queueSeq = iss + 1;
    tsOffset = layer.timestampOffset(key);
    ourMss = layer.ourMss();
    int shift = 0;
    while ((layer.settings().receiveBuffer() >> shift) > 65_535) {
      shift++;
    }
    rcvScale = shift;
  }

  /** Reads the options of a SYN: MSS, window scale, timestamps (RFC 9293 §3.7.1, RFC 7323). */
  private void takeSynOptions(TcpOptions opts, boolean passive) {
    int peerMss = opts.mss() == TcpOptions.ABSENT ? DEFAULT_MSS : Math.max(opts.mss(), 64);
    sendMss = Math.min(peerMss, ourMss);
    if (opts.windowScale() != TcpOptions.ABSENT && (passive || windowScaling)) {
      windowScaling = true;
      sndScale = opts.windowScale();
    } else {
      windowScaling = false;
      sndScale = 0;
      rcvScale = Math.min(rcvScale, 0);
    }
    timestamps = opts.hasTimestamps() && (passive || timestamps);
    sack = layer.sackEnabled() && opts.sackPermitted() && (passive || sack);
    if (timestamps) {
      sendMss -= 12;
    }
    cwnd = 10L * sendMss;
  }

  private void sendSyn(boolean withAck, long now) {
    TcpOptions o = layer.txOptions().clear();
    o.mss(ourMss);
    if (!withAck || windowScaling) {
      o.windowScale(rcvScale);
      windowScaling = true;
    }
    if (!withAck || timestamps) {
      o.timestamps(tsNow(now), withAck ? tsRecent : 0);
      timestamps = true;
    }
    if (layer.sackEnabled() && (!withAck || sack)) {
      o.sackPermitted(true);
      sack = true;
    }
    int window = Math.min(layer.settings().receiveBuffer(), 65_535);
    rcvAdv = (withAck ? rcvNxt : 0) + window;
    layer.emit(this, iss, withAck ? rcvNxt : 0, withAck ? SYN | ACK : SYN, window, o, null, 0, 0, now);
    if (withAck) {
      lastAckSent = rcvNxt;
      clearAckPending();
    }
    sndNxt = iss + 1;
    sndMax = Seq.max(sndMax, sndNxt);
    if (retries == 0) {
      rttSeq = iss;
      rttStart = now;
    }
    armRetransmit(now);
  }

  // ---------------------------------------------------------------- segment arrival

  /** RFC 9293 §3.10.7.3–§3.10.7.4: a segment for this connection. */
  void segmentArrives(TcpPacket seg, TcpOptions opts, long now) {
    if (state == TcpState.SYN_SENT) {
      synSentArrives(seg, opts, now);
      return;
    }
    int flags = seg.flags();
    int seq = seg.sequence();
    int len = seg.sequenceLength();

    // SYN-RECEIVED: the peer did not get our SYN-ACK and sends its SYN again.
    if (state == TcpState.SYN_RECEIVED && (flags & (SYN | ACK | RST)) == SYN && seq == irs) {
      sndNxt = iss;
      retries++;
      sendSyn(true, now);
      return;
    }

    // Simultaneous open (RFC 9293 §3.5, figure 7): the peer's SYN-ACK repeats its SYN's sequence
    // number and acknowledges ours.
    if (state == TcpState.SYN_RECEIVED && (flags & (SYN | ACK | RST)) == (SYN | ACK) && seq == irs
        && Seq.lt(sndUna, seg.acknowledgment()) && Seq.le(seg.acknowledgment(), sndMax)) {
      established(now);
      sndWnd = (long) seg.window() << sndScale;
      maxSndWnd = Math.max(maxSndWnd, sndWnd);
      sndWl1 = seq;
      sndWl2 = seg.acknowledgment();
      output(now);
      layer.rescheduled(this);
      return;
    }

    // RFC 7323 §5.3: PAWS.
    if (timestamps && opts.hasTimestamps() && (flags & RST) == 0
        && Seq.lt(opts.timestampValue(), tsRecent)) {
      layer.counters().increment(TcpCounter.RX_DROP_PAWS);
      sendAck(now);
      return;
    }

    // First: sequence number acceptable? (RFC 9293 §3.10.7.4, the four cases.)
    int rcvWnd = Math.max(0, rcvAdv - rcvNxt);
    if (!acceptableSegment(seq, len, rcvWnd)) {
      if ((flags & RST) == 0) {
        layer.counters().increment(TcpCounter.RX_DROP_UNACCEPTABLE);
        sendAck(now);
      }
      return;
    }

    heard(now);

    // Second: RST (RFC 5961 §3.2).
    if ((flags & RST) != 0) {
      if (seq == rcvNxt) {
        resetArrived(now);
      } else {
        challengeAck(now);
      }
      return;
    }

    // Fourth: SYN in a synchronized state (RFC 5961 §4.2, RFC 9293 §3.10.7.4).
    if ((flags & SYN) != 0) {
      if (state == TcpState.SYN_RECEIVED && listener != null) {
        layer.remove(this, null); // back to LISTEN: forget this half-open connection
        return;
      }
      challengeAck(now);
      return;
    }

    // Fifth: ACK.
    if ((flags & ACK) == 0) {
      return;
    }
    int ack = seg.acknowledgment();
    if (state == TcpState.SYN_RECEIVED) {
      if (Seq.lt(sndUna, ack) && Seq.le(ack, sndMax)) {
        established(now);
        sndWnd = (long) seg.window() << sndScale;
        maxSndWnd = Math.max(maxSndWnd, sndWnd);
        sndWl1 = seq;
        sndWl2 = ack;
        if (listener != null) {
          layer.passiveEstablished(this);
        }
      } else {
        layer.sendReset(remoteAddress, remotePort, localPort, ack, 0, false, now);
        return;
      }
    }
    if (timestamps && opts.hasTimestamps()) {
      updateTsRecent(opts, seq, seq + len);
    }
    if (!processAck(seg, opts, ack, now)) {
      return;
    }
    if (removed) {
      return;
    }

    // Seventh: data (URG is not supported; urgent data is read as normal data, RFC 6093).
    int dataLen = seg.payloadLength();
    boolean fin = (flags & FIN) != 0;
    if (dataLen > 0 || fin) {
      receiveData(seg, seq, dataLen, fin, now);
    }
    if (!removed) {
      output(now);
      layer.rescheduled(this);
    }
  }

  private boolean acceptableSegment(int seq, int len, int wnd) {
    if (len == 0) {
      if (wnd == 0) {
        return seq == rcvNxt;
      }
      return Seq.inRange(seq, rcvNxt, rcvNxt + wnd);
    }
    if (wnd == 0) {
      return false;
    }
    return Seq.inRange(seq, rcvNxt, rcvNxt + wnd) || Seq.inRange(seq + len - 1, rcvNxt, rcvNxt + wnd);
  }

  private void synSentArrives(TcpPacket seg, TcpOptions opts, long now) {
    int flags = seg.flags();
    int ack = seg.acknowledgment();
    boolean hasAck = (flags & ACK) != 0;
    // First: ACK acceptable?
    if (hasAck && (Seq.le(ack, iss) || Seq.gt(ack, sndMax))) {
      if ((flags & RST) == 0) {
        layer.sendReset(remoteAddress, remotePort, localPort, ack, 0, false, now);
      }
      return;
    }
    // Second: RST (acceptable only with an acceptable ACK, RFC 5961 §3.2).
    if ((flags & RST) != 0) {
      if (hasAck) {
        layer.counters().increment(TcpCounter.CONNECTIONS_REFUSED);
        fail(new ConnectException("Connection refused by " + remoteEndpoint()));
        layer.remove(this, null);
      }
      return;
    }
    if ((flags & SYN) == 0) {
      return;
    }
    irs = seg.sequence();
    rcvNxt = irs + 1;
    takeSynOptions(opts, false);
    if (timestamps) {
      tsRecent = opts.timestampValue();
    }
    rcvAdv = rcvNxt + Math.min(layer.settings().receiveBuffer(), 65_535);
    if (hasAck) {
      sndUna = ack;
      sampleRtt(opts, ack, now);
      established(now);
      sndWnd = (long) seg.window() << sndScale;
      maxSndWnd = sndWnd;
      sndWl1 = seg.sequence();
      sndWl2 = ack;
      sendAck(now);
      output(now);
      layer.rescheduled(this);
    } else {
      // Simultaneous open (RFC 9293 §3.5, figure 7).
      state = TcpState.SYN_RECEIVED;
      sndWnd = seg.window();
      sndWl1 = seg.sequence();
      sndNxt = iss;
      sendSyn(true, now);
    }
  }

  /** An acceptable segment arrived: the peer is alive (keep-alive starts over). */
  private void heard(long now) {
    lastHeardAt = now;
    keepAliveProbesSent = 0;
    keepAliveAt = keepAliveIdle == 0 ? NONE : now + keepAliveIdle;
  }

  private void established(long now) {
    state = TcpState.ESTABLISHED;
    heard(now);
    progressAt = now;
    retries = 0;
    retransmitAt = NONE;
    if (sndUna == iss) {
      sndUna = iss + 1;
    }
    queueSeq = iss + 1;
    if (cwnd == 0) {
      cwnd = 10L * sendMss;
    }
    if (pendingConnect != null) {
      CompletableFuture<TcpConnection> c = pendingConnect;
      pendingConnect = null;
      userDeadline = NONE;
      layer.counters().increment(TcpCounter.CONNECTIONS_OPENED_ACTIVE);
      c.complete(this);
    }
  }

  private void updateTsRecent(TcpOptions opts, int seq, int end) {
    // RFC 7323 §4.3: only from a segment that covers Last.ACK.sent.
    if (opts.hasTimestamps() && Seq.le(seq, lastAckSent) && Seq.le(lastAckSent, end)
        && Seq.ge(opts.timestampValue(), tsRecent)) {
      tsRecent = opts.timestampValue();
    }
  }

  private void resetArrived(long now) {
    layer.counters().increment(TcpCounter.RX_RST);
    switch (state) {
      case SYN_RECEIVED -> {
        if (listener == null) {
          layer.counters().increment(TcpCounter.CONNECTIONS_REFUSED);
          fail(new ConnectException("Connection refused by " + remoteEndpoint()));
        }
      }
      case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
        layer.counters().increment(TcpCounter.CONNECTIONS_RESET);
        fail(new SocketException("Connection reset by " + remoteEndpoint()));
      }
      default -> { }
    }
    layer.remove(this, null);
  }

  private void challengeAck(long now) {
    if (layer.challengeAckAllowed(now)) {
      layer.counters().increment(TcpCounter.RX_CHALLENGE_ACKS);
      sendAck(now);
    } else {
      layer.counters().increment(TcpCounter.RX_CHALLENGE_ACKS_LIMITED);
    }
  }

  /** RFC 9293 §3.10.7.4 fifth, with RFC 5961 §5.2; returns false if the segment is done with. */
  private boolean processAck(TcpPacket seg, TcpOptions opts, int ack, long now) {
    if (Seq.gt(ack, sndMax)) {
      layer.counters().increment(TcpCounter.RX_DROP_BAD_ACK);
      sendAck(now);
      return false;
    }
    if (Seq.lt(ack, sndUna - (int) Math.min(maxSndWnd, Integer.MAX_VALUE / 2))) {
      layer.counters().increment(TcpCounter.RX_DROP_BAD_ACK);
      sendAck(now);
      return false;
    }
    int seq = seg.sequence();
    long window = (long) seg.window() << sndScale;
    boolean windowChanged = window != sndWnd;
    lastAckAt = now;
    if (Seq.gt(ack, sndUna)) {
      progressAt = now;
    }
    if (sack && opts.sackBlocks() > 0) {
      if (scoreboard == null) {
        scoreboard = new SackScoreboard();
        scoreboard.clear(sndUna);
      }
      int una = Seq.max(ack, sndUna);
      for (int i = 0; i < opts.sackBlocks(); i++) {
        scoreboard.add(opts.sackLeft(i), opts.sackRight(i), una, sndMax);
      }
    }
    if (Seq.gt(ack, sndUna)) {
      int acked = ack - sndUna;
      long rtt = sampleRtt(opts, ack, now);
      int dataAcked = (finQueued && Seq.gt(ack, finSeq)) ? finSeq - queueSeq : ack - queueSeq;
      if (dataAcked > 0) {
        sendQueue.skipBytes(dataAcked);
        queueSeq += dataAcked;
        writeLimit += dataAcked;
        sendCharged -= dataAcked;
        layer.sendBudget().release(dataAcked);
      }
      sndUna = ack;
      if (Seq.lt(sndNxt, sndUna)) {
        sndNxt = sndUna;
      }
      if (scoreboard != null) {
        scoreboard.acknowledged(sndUna);
      }
      retries = 0;
      persistBackoff = 0;
      congestionOnAck(acked, ack, rtt, now);
      if (sndUna == sndMax) {
        retransmitAt = NONE;
      } else if (!inRecovery) {
        retransmitAt = now + rto;
      }
      if (pendingWriteData != null) {
        fillFromPendingWrite(false);
      }
      releaseSendQueueIfEmpty();
    } else if (ack == sndUna && seg.payloadLength() == 0 && !windowChanged && sndMax != sndUna
        && (seg.flags() & (SYN | FIN)) == 0) {
      duplicateAck(now);
    }
    if (scoreboard != null && !inRecovery && sndMax != sndUna && recoveryAllowed()
        && scoreboard.isLost(sndUna, sndUna, sendMss)) {
      // RFC 6675 §5: IsLost(HighACK + 1) starts recovery before the third duplicate ACK.
      enterRecovery(now);
    }
    // Window update (RFC 9293 §3.10.7.4: SND.WL1 < SEG.SEQ or (= and SND.WL2 =< SEG.ACK)).
    if (Seq.lt(sndWl1, seq) || (sndWl1 == seq && Seq.le(sndWl2, ack))) {
      sndWnd = window;
      maxSndWnd = Math.max(maxSndWnd, window);
      sndWl1 = seq;
      sndWl2 = ack;
      if (window > 0) {
        persistAt = NONE;
      }
    }
    boolean finAcked = finQueued && Seq.gt(sndUna, finSeq);
    switch (state) {
      case FIN_WAIT_1 -> {
        if (finAcked) {
          state = TcpState.FIN_WAIT_2;
          if (closedByApp) {
            userDeadline = now + layer.settings().finWait2Timeout().toNanos();
          }
        }
      }
      case CLOSING -> {
        if (finAcked) {
          enterTimeWait(now);
          return false;
        }
        // Data queued before our FIN may still wait for the window: the ACK clocks it out.
      }
      case LAST_ACK -> {
        if (finAcked) {
          layer.remove(this, null);
          return false;
        }
      }
      case TIME_WAIT -> {
        if ((seg.flags() & FIN) != 0) {
          sendAck(now);
          timeWaitAt = now + 2 * layer.settings().msl().toNanos();
          layer.timeWaitRestarted(this);
        }
        return false;
      }
      default -> { }
    }
    return true;
  }

  /** RFC 6298 §2: takes the ACK's round-trip sample, if it has one, and returns it (or -1). */
  private long sampleRtt(TcpOptions opts, int ack, long now) {
    long r = -1;
    if (timestamps && opts.hasTimestamps() && opts.timestampEcho() != 0) {
      r = Math.max(0, (long) (tsNow(now) - opts.timestampEcho())) * 1_000_000L;
    } else if (rttStart >= 0 && Seq.gt(ack, rttSeq)) {
      r = now - rttStart;
    }
    if (Seq.gt(ack, rttSeq)) {
      rttStart = -1;
    }
    if (r < 0) {
      return -1;
    }
    // RFC 6298 §2.2–§2.3.
    if (srtt < 0) {
      srtt = r;
      rttvar = r / 2;
    } else {
      rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
      srtt = (7 * srtt + r) / 8;
    }
    rto = Math.min(MAX_RTO, Math.max(MIN_RTO, srtt + Math.max(1_000_000L, 4 * rttvar)));
    return r;
  }

  private void congestionOnAck(int acked, int ack, long rtt, long now) {
    if (inRecovery && sackRecovery) {
      dupAcks = 0;
      if (Seq.ge(ack, recover)) {
        inRecovery = false; // RFC 6675 §5: recovery ends at RecoveryPoint; cwnd is ssthresh
        sackRecovery = false;
        cwnd = Math.max(ssthresh, sendMss);
      } else {
        sackSend(now); // RFC 6675 §5 (C): a partial ACK clocks out more by the pipe
        retransmitAt = now + rto;
      }
      return;
    }
    if (inRecovery) {
      if (Seq.ge(ack, recover)) {
        // RFC 6582 §3.2 step 3: full acknowledgment.
        inRecovery = false;
        cwnd = Math.min(ssthresh, Math.max(inFlight(), 0) + sendMss);
        cwnd = Math.max(cwnd, sendMss);
      } else {
        // Partial acknowledgment: retransmit the first unacknowledged segment, deflate.
        retransmitFirst(now);
        cwnd = Math.max(sendMss, cwnd - acked + sendMss);
        retransmitAt = now + rto;
      }
      dupAcks = 0;
      return;
    }
    dupAcks = 0;
    if (hystart != null && cwnd < ssthresh) {
      hyStartAck(acked, ack, rtt);
      return;
    }
    cwnd = Math.min(cc.onAck(cwnd, ssthresh, acked, sendMss, srtt, now), 1L << 30);
  }

  /**
   * The initial slow start under HyStart++ (RFC 9406 §4.2): the window grows by its rules, and
   * once Conservative Slow Start has run its rounds, ssthresh = cwnd hands over to congestion
   * avoidance.
   */
  private void hyStartAck(int acked, int ack, long rtt) {
    HyStartPlusPlus.Phase before = hystart.phase();
    long growth = hystart.onAck(acked, sendMss, ack, sndMax, rtt);
    HyStartPlusPlus.Phase after = hystart.phase();
    if (before == HyStartPlusPlus.Phase.SLOW_START && after == HyStartPlusPlus.Phase.CSS) {
      layer.counters().increment(TcpCounter.HYSTART_EXITS);
    } else if (before == HyStartPlusPlus.Phase.CSS && after == HyStartPlusPlus.Phase.SLOW_START) {
      layer.counters().increment(TcpCounter.HYSTART_RESUMED);
    }
    if (after == HyStartPlusPlus.Phase.DONE) {
      ssthresh = cwnd;
      hystart = null;
      return;
    }
    cwnd = Math.min(cwnd + growth, 1L << 30);
  }

  /** A congestion event: the initial slow start, if still on, is over (RFC 9406 §4.2). */
  private void hyStartOver() {
    hystart = null;
  }

  private void duplicateAck(long now) {
    dupAcks++;
    if (inRecovery && sackRecovery) {
      sackSend(now); // RFC 6675 §5 (C): no inflation, the pipe says what may go
      return;
    }
    if (inRecovery) {
      cwnd += sendMss;
      return;
    }
    if (dupAcks == SackScoreboard.DUP_THRESH && scoreboard != null && Seq.gt(sndMax, sndUna) && recoveryAllowed()) {
      enterRecovery(now);
      return;
    }
    if (dupAcks == 3 && Seq.gt(sndMax, sndUna) && (Seq.gt(sndUna, recover) || recover == 0)) {
      // RFC 6582 §3.2 step 2.
      hyStartOver();
      ssthresh = cc.onCongestion(cwnd, inFlight(), sendMss, now);
      recover = sndMax;
      inRecovery = true;
      retransmitFirst(now);
      cwnd = ssthresh + 3L * sendMss;
      rttStart = -1;
    }
  }

  private long inFlight() {
    return (long) (sndMax - sndUna);
  }

  /** RFC 6582 §3.2 step 2 (and RFC 6675 §5): one reduction per window of data. */
  private boolean recoveryAllowed() {
    return Seq.gt(sndUna, recover) || recover == 0;
  }

  /**
   * RFC 6675 §5 steps 4.1–4.3: RecoveryPoint = HighData, the window halved, the first unSACKed
   * segment retransmitted at once, then as much as the pipe allows.
   */
  private void enterRecovery(long now) {
    layer.counters().increment(TcpCounter.SACK_RECOVERIES);
    hyStartOver();
    ssthresh = cc.onCongestion(cwnd, inFlight(), sendMss, now);
    cwnd = ssthresh;
    recover = sndMax;
    inRecovery = true;
    sackRecovery = true;
    rttStart = -1;
    scoreboard.recoveryStarts(sndUna);
    retransmitFirst(now);
    int firstEnd = Seq.min(sndUna + sendMss, scoreboard.nextSackedAbove(sndUna, sndMax));
    scoreboard.retransmitted(firstEnd);
    scoreboard.rescueAfter(firstEnd); // §5 step 4.3: RescueRxt too, against a premature rescue
    sackSend(now);
    retransmitAt = now + rto;
  }

  /** The pipe of RFC 6675 {@code SetPipe()}: bytes presumed in flight. */
  private long pipe() {
    return scoreboard.pipe(sndUna, sndMax, sendMss);
  }

  /**
   * RFC 6675 §5 (C): while cwnd - pipe >= 1 SMSS, send NextSeg(): lost data first (rule 1), then
   * new data (rule 2, through {@link #output}, which honours the pipe in recovery), then unSACKed
   * data not yet deemed lost below the highest SACK (rule 3), and finally, once per recovery after
   * the cumulative ACK advanced, the rescue retransmission of the highest unSACKed data (rule 4:
   * a lost tail that no SACK block lies above would otherwise wait for the retransmission timer).
   */
  private void sackSend(long now) {
    for (boolean lostOnly : new boolean[] {true, false}) {
      while (cwnd - pipe() >= sendMss) {
        int s = scoreboard.nextRetransmission(sndUna, sndMax, sendMss, lostOnly);
        if (Seq.lt(s, sndUna) || !sackRetransmit(s, false, now)) {
          break;
        }
      }
      if (lostOnly) {
        output(now);
      }
    }
    if (cwnd - pipe() >= sendMss) {
      int s = scoreboard.rescue(sndUna, sndMax, sendMss, recover);
      if (!Seq.lt(s, sndUna) && sackRetransmit(s, true, now)) {
        layer.counters().increment(TcpCounter.TX_RESCUE_RETRANSMITS);
      }
    }
  }

  /**
   * Sends again the segment starting at {@code s}, up to the next SACKed data; false if there is
   * none. HighRxt records it unless it is the rescue retransmission (RFC 6675 §5 (C.2)).
   */
  private boolean sackRetransmit(int s, boolean rescue, long now) {
    int end = Seq.min(s + sendMss, scoreboard.nextSackedAbove(s, sndMax));
    int avail = queued() - (s - queueSeq);
    int len = Math.max(0, Math.min(end - s, avail));
    boolean fin = finQueued && s + len == finSeq && Seq.gt(sndMax, finSeq);
    if (len == 0 && !fin) {
      return false;
    }
    layer.counters().increment(TcpCounter.TX_SACK_RETRANSMITS);
    sendSegment(s, len, fin, now);
    if (!rescue) {
      scoreboard.retransmitted(s + len + (fin ? 1 : 0));
    }
    return true;
  }

  private void retransmitFirst(long now) {
    int avail = queued() - (sndUna - queueSeq);
    int len = Math.min(sendMss, Math.max(0, avail));
    boolean fin = finQueued && len == avail && Seq.gt(sndMax, sndUna + len);
    if (len == 0 && !fin) {
      return;
    }
    layer.counters().increment(TcpCounter.TX_FAST_RETRANSMITS);
    sendSegment(sndUna, len, fin, now);
  }

  private void receiveData(TcpPacket seg, int seq, int dataLen, boolean fin, long now) {
    boolean acceptData = state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1
        || state == TcpState.FIN_WAIT_2;
    if (!acceptData) {
      // CLOSE-WAIT, CLOSING, LAST-ACK: the peer's FIN was already received; ignore.
      if (fin || dataLen > 0) {
        sendAck(now);
      }
      return;
    }
    int off = seg.payloadOffset();
    int wndEnd = rcvAdv;
    // Trim what lies before RCV.NXT and beyond the window.
    int start = seq;
    int end = seq + dataLen;
    if (Seq.lt(start, rcvNxt)) {
      int cut = rcvNxt - start;
      if (cut > dataLen) {
        cut = dataLen;
      }
      off += cut;
      start += cut;
    }
    if (Seq.gt(end, wndEnd)) {
      end = wndEnd;
      fin = false;
    }
    int n = Seq.gt(end, start) ? end - start : 0;
    if (n > 0 && !closedByApp && !layer.receiveRoom(n)) {
      // Over the stack's total receive budget: what does not fit is dropped as if lost (the peer
      // sends it again) and counted; a part that fits is kept.
      layer.counters().increment(TcpCounter.RX_DROP_MEMORY);
      n = (int) Math.max(0, Math.min(n, layer.receiveBudgetLeft()));
      end = start + n;
      fin = false;
      if (n == 0) {
        sendAck(now);
        return;
      }
    }
    if (closedByApp && n > 0) {
      // The application closed: data is discarded but acknowledged (Flow.close).
      layer.counters().increment(TcpCounter.RX_DROP_DATA_AFTER_CLOSE);
    }
    if (start == rcvNxt) {
      if (n > 0) {
        if (!closedByApp) {
          appendReceived(seg.buffer(), off, n);
        }
        rcvNxt += n;
        unackedSegments++;
        unackedBytes += n;
      }
      if (!outOfOrder.isEmpty() || outOfOrderFin) {
        drainOutOfOrder(now);
        sendAck(now); // at once when a hole is filled (RFC 5681 §4.2)
      }
      if (fin && Seq.ge(rcvNxt, end)) {
        finArrives(now);
      } else if (n == 0 || stretchBoundReached()) {
        sendAck(now);
      } else if (unackedBytes >= 2 * sendMssForAck()) {
        ackAtBatchEnd();
      } else if (delayedAckAt == NONE) {
        delayedAckAt = now + DELAYED_ACK;
      }
    } else {
      // Out of order: keep it within the buffer, ask for what is missing with a duplicate ACK.
      if (n > 0 && !closedByApp) {
        holdOutOfOrder(seg.buffer(), off, start, n);
      }
      if (fin) {
        outOfOrderFin = true;
        outOfOrderFinSeq = end;
      }
      sendAck(now);
    }
    if (n > 0 && pendingRead != null && readable() > 0) {
      completeRead();
    }
  }

  /**
   * Holds the out-of-order data [start, start + n) for reassembly, each byte once: the parts
   * already held (a duplicate, or the go-back-N resend after a timeout) are not stored again, so
   * the data held out of order lies within the window we offered and, with the unread data, within
   * the receive buffer (RFC 9293 §3.8.6; the window never shrinks, so everything in it must fit).
   * Bytes beyond the free room of the buffer — RCV.BUFF − RCV.USER − what is already held — are
   * dropped and counted ({@link TcpCounter#RX_DROP_OUT_OF_ORDER_FULL}); by that invariant only a
   * window offered beyond the buffer could send any.
   */
  private void holdOutOfOrder(ByteBuf src, int index, int start, int n) {
    lastOutOfOrderSeq = start;
    int end = start + n;
    int room = layer.settings().receiveBuffer() - readable() - outOfOrderBytes;
    int cur = start;
    int i = 0;
    boolean stored = false;
    boolean duplicate = false;
    boolean full = false;
    while (Seq.lt(cur, end)) {
      // The first held range that ends above cur (ranges are sorted and disjoint).
      while (i < outOfOrder.size() && Seq.le(outOfOrderEnd(i), cur)) {
        i++;
      }
      int pieceEnd = end;
      if (i < outOfOrder.size()) {
        int heldStart = (Integer) outOfOrder.get(i)[0];
        if (Seq.le(heldStart, cur)) {
          duplicate = true;
          cur = Seq.min(outOfOrderEnd(i), end); // already held
          continue;
        }
        pieceEnd = Seq.min(end, heldStart);
      }
      int len = Math.min(pieceEnd - cur, room);
      full |= len < pieceEnd - cur;
      if (len <= 0) {
        break;
      }
      ByteBuf copy = layer.alloc().directBuffer(len);
      copy.writeBytes(src, index + (cur - start), len);
      outOfOrder.add(i, new Object[] {cur, copy});
      i++;
      outOfOrderBytes += len;
      room -= len;
      layer.held(len);
      stored = true;
      cur = pieceEnd;
    }
    if (full) {
      layer.counters().increment(TcpCounter.RX_DROP_OUT_OF_ORDER_FULL);
    }
    if (stored) {
      layer.counters().increment(TcpCounter.RX_OUT_OF_ORDER);
    } else if (duplicate) {
      layer.counters().increment(TcpCounter.RX_OUT_OF_ORDER_DUPLICATE);
    }
  }

  private int outOfOrderEnd(int i) {
    Object[] e = outOfOrder.get(i);
    return (Integer) e[0] + ((ByteBuf) e[1]).readableBytes();
  }

  /**
   * Holds the ACK that two full-sized segments call for (RFC 9293 §3.8.6.3, RFC 5681 §4.2) to the
   * end of the receive batch — the frames one pass of the network interface delivered — when
   * {@link TcpLayer#endOfBatch} sends one ACK for everything that arrived in it, with the SACK
   * blocks, window and timestamps of that moment. A departure from "at least every second
   * full-sized segment", which RFC 5681 §4.2 says SHOULD be acknowledged, made as Linux's
   * receive offload (GRO) makes it: segments read together are acknowledged together, so a
   * bulk receiver writes one ACK per batch instead of one per two segments. The sender is
   * expected to count bytes, not ACKs (RFC 3465; RFC 3449 §5.2.3 on stretch ACKs; Linux does,
   * and so does Morgana's: HyStart++ with L = 8 in the initial slow start, CUBIC and Reno by bytes
   * in congestion avoidance). Only this one case waits: an out-of-order or duplicate segment, a
   * segment filling a hole, a FIN, a window update and a challenge ACK are still acknowledged at
   * once, and a lone segment still waits for the delayed-ACK timer. An ACK never covers more than
   * {@link #MAX_ACK_STRETCH_SEGMENTS} full segments or {@link #MAX_ACK_STRETCH_BYTES}
   * ({@link #stretchBoundReached}), so a large batch cannot keep the sender waiting.
   */
  private void ackAtBatchEnd() {
    ackAtBatchEnd = true;
    layer.ackAtEndOfBatch(this);
  }

  /** Whether the data not yet acknowledged reaches the most one held ACK may cover. */
  private boolean stretchBoundReached() {
    return unackedBytes >= Math.min(MAX_ACK_STRETCH_SEGMENTS * sendMssForAck(), MAX_ACK_STRETCH_BYTES);
  }

  /** The end of the receive batch ({@link TcpLayer#endOfBatch}): the held ACK, if still owed. */
  void batchEnded(long now) {
    batchAckQueued = false;
    if (ackAtBatchEnd && !removed) {
      sendAck(now);
    }
    ackAtBatchEnd = false;
  }

  private int sendMssForAck() {
    return Math.max(ourMss - (timestamps ? 12 : 0), 1);
  }

  private void appendReceived(ByteBuf src, int index, int n) {
    if (received == null) {
      // The window keeps in-order data within the receive buffer; the capacity is only a bound.
      received = layer.alloc().directBuffer(Math.max(n, 2048), 2 * layer.settings().receiveBuffer());
    }
    if (received.maxWritableBytes() < n) {
      received.discardReadBytes();
    }
    received.writeBytes(src, index, n);
    layer.held(n);
  }

  /** Moves the held data that RCV.NXT reached to the in-order data (the list is sorted). */
  private void drainOutOfOrder(long now) {
    while (!outOfOrder.isEmpty() && Seq.le((Integer) outOfOrder.get(0)[0], rcvNxt)) {
      Object[] e = outOfOrder.remove(0);
      int s = (Integer) e[0];
      ByteBuf b = (ByteBuf) e[1];
      int end = s + b.readableBytes();
      outOfOrderBytes -= b.readableBytes();
      layer.held(-b.readableBytes());
      if (Seq.gt(end, rcvNxt)) {
        int skip = rcvNxt - s;
        int n = end - rcvNxt;
        if (!closedByApp) {
          appendReceived(b, b.readerIndex() + skip, n);
        }
        rcvNxt = end;
      }
      b.release();
    }
    if (outOfOrderFin && rcvNxt == outOfOrderFinSeq) {
      outOfOrderFin = false;
      finArrives(now);
    }
  }

  private void finArrives(long now) {
    if (finReceived) {
      return;
    }
    finReceived = true;
    rcvNxt += 1;
    switch (state) {
      case SYN_RECEIVED, ESTABLISHED -> state = TcpState.CLOSE_WAIT;
      case FIN_WAIT_1 -> {
        boolean ourFinAcked = finQueued && Seq.gt(sndUna, finSeq);
        if (ourFinAcked) {
          enterTimeWait(now);
        } else {
          state = TcpState.CLOSING;
        }
      }
      case FIN_WAIT_2 -> enterTimeWait(now);
      default -> { }
    }
    sendAck(now);
    if (pendingRead != null) {
      completeRead();
    }
  }

  private void enterTimeWait(long now) {
    state = TcpState.TIME_WAIT;
    retransmitAt = NONE;
    keepAliveAt = NONE;
    persistAt = NONE;
    userDeadline = NONE;
    releaseBuffers();
    timeWaitAt = now + 2 * layer.settings().msl().toNanos();
    layer.enteredTimeWait(this);
  }

  // ---------------------------------------------------------------- sending

  /**
   * The send queue, allocated when data is first written: an idle connection holds no buffer
   * (it is released again once everything in it is acknowledged, {@link #releaseSendQueueIfEmpty}).
   */
  ByteBuf sendQueue() {
    if (sendQueue == null) {
      sendQueue = layer.alloc().directBuffer(0, layer.settings().sendBuffer());
    }
    return sendQueue;
  }

  /** Bytes in the send queue (unacknowledged or not yet sent), without allocating it. */
  int queued() {
    return sendQueue == null ? 0 : sendQueue.readableBytes();
  }

  /** Gives the send queue's memory back once all of it is acknowledged and no write waits. */
  private void releaseSendQueueIfEmpty() {
    if (sendQueue != null && sendQueue.readableBytes() == 0 && pendingWriteData == null) {
      sendQueue.release();
      sendQueue = null;
    }
  }

  /**
   * Sends what the windows, Nagle and the silly-window rules allow (RFC 9293 §3.8.6, §3.7.4).
   *
   * <p>Over a device that segments (TSO: {@link TcpLayer#segmentationBytes()} of two MSS or
   * more) one segment may carry several MSS of data, as Linux's {@code tcp_write_xmit} does with
   * its {@code tso_segs}: up to the device's limit, the usable window and the congestion window's
   * room, a multiple of the MSS — except a short tail at the end of the queued data, which rides
   * along only when Nagle would let it go on its own; otherwise the next turn of the loop sees it
   * as a small segment and the rules hold it. The device cuts it into exactly the segments this
   * loop would have sent one by one (one TSval for all, as Linux).
   */
  void output(long now) {
    if (!state.synchronizedState() || state == TcpState.TIME_WAIT) {
      return;
    }
    if (sndMax == sndUna) {
      progressAt = now; // nothing was in flight: the user timeout counts from here
    }
    int segmentation = layer.segmentationBytes();
    int maxLen = segmentation >= 2 * sendMss ? segmentation - segmentation % sendMss : sendMss;
    while (true) {
      int offset = sndNxt - queueSeq;
      int avail = queued() - offset;
      boolean finPending = finQueued && Seq.le(sndNxt, finSeq) && (state == TcpState.FIN_WAIT_1
          || state == TcpState.LAST_ACK || state == TcpState.CLOSING);
      if (avail <= 0 && !finPending) {
        break;
      }
      long usable = Math.min(sndWnd - (long) (sndNxt - sndUna),
          cwnd - (sackRecovery ? pipe() : (long) (sndNxt - sndUna)));
      int len = (int) Math.max(0, Math.min(Math.min(avail, maxLen), usable));
      if (len > sendMss && len % sendMss != 0 && (len < avail || tailHeldByNagle(finPending))) {
        len -= len % sendMss; // whole segments now; the short rest is judged on its own next turn
      }
      if (avail > 0 && len < Math.min(avail, sendMss)) {
        // Window-limited: sender silly-window avoidance (RFC 1122 §4.2.3.4).
        boolean worth = len >= sendMss || (len > 0 && len >= maxSndWnd / 2);
        if (!worth) {
          if (sndNxt == sndUna && persistAt == NONE) {
            persistBackoff = Math.max(persistBackoff, rto);
            persistAt = now + persistBackoff;
          }
          break;
        }
      }
      if (len > 0 && len < sendMss && len == avail && tailHeldByNagle(finPending)) {
        break; // Nagle, Minshall's variant: a small segment waits while an earlier small one is unacknowledged.
      }
      boolean fin = finPending && len == avail;
      if (len == 0 && !fin) {
        break;
      }
      sendSegment(sndNxt, len, fin, now);
      if (len % sendMss != 0) { // a small segment, alone or the tail of a super-segment
        sentSmall = true;
        smallEnd = sndNxt + len;
      }
      sndNxt += len + (fin ? 1 : 0);
      if (Seq.gt(sndNxt, sndMax)) {
        sndMax = sndNxt;
      }
      if (fin) {
        break;
      }
    }
    if (sndMax != sndUna && retransmitAt == NONE) {
      armRetransmit(now);
    }
  }

  /**
   * Whether Nagle holds a small segment at the end of the queued data now (never a retransmission,
   * never one carrying the FIN): see {@link #smallSegmentUnacknowledged()}.
   */
  private boolean tailHeldByNagle(boolean finPending) {
    return !finPending && nagle && Seq.ge(sndNxt, sndMax) && smallSegmentUnacknowledged();
  }

  /**
   * Nagle's test in Minshall's variant (draft-minshall-nagle, as Linux applies it): a small segment
   * is held only while an earlier <em>small</em> segment is unacknowledged, not while full-sized
   * ones are. RFC 9293 §3.7.4's plain rule (hold while anything is unacknowledged) holds the short
   * tail of every response behind the peer's delayed ACK of the odd full segment before it —
   * 40 ms per response against Linux — which this rule avoids while still allowing at most one
   * small segment in flight.
   */
  private boolean smallSegmentUnacknowledged() {
    return sentSmall && Seq.gt(smallEnd, sndUna);
  }

  private void sendSegment(int seq, int len, boolean fin, long now) {
    if (rttStart < 0 && len > 0 && Seq.ge(seq, sndMax) && !timestamps) {
      rttSeq = seq;
      rttStart = now;
    }
    int flags = ACK | (fin ? FIN : 0) | (len > 0 && fin ? PSH : 0);
    if (len > 0 && seq + len == queueSeq + sendQueue.readableBytes()) {
      flags |= PSH;
    }
    if (len == 0) {
      emitWithAck(seq, flags, null, 0, 0, now); // a bare FIN: the send queue may be released
    } else {
      emitWithAck(seq, flags, sendQueue, sendQueue.readerIndex() + (seq - queueSeq), len, now);
    }
  }

  private void emitWithAck(int seq, int flags, ByteBuf data, int index, int len, long now) {
    TcpOptions o = layer.txOptions().clear();
    if (timestamps) {
      o.timestamps(tsNow(now), tsRecent);
    }
    if (sack && !outOfOrder.isEmpty()) {
      addSackBlocks(o);
      if (len + o.length() > ourMss) {
        o.clearSackBlocks(); // a full data segment has no room for them: only ACKs carry them
      }
    }
    int wnd = advertisedWindow();
    layer.emit(this, seq, rcvNxt, flags, wnd, o, data, index, len, now);
    lastAckSent = rcvNxt;
    clearAckPending();
  }

  /**
   * The out-of-order data as SACK blocks (RFC 2018 §3–§4): contiguous ranges above RCV.NXT, the
   * one holding the most recently received segment first, as many as fit beside the timestamps.
   */
  private void addSackBlocks(TcpOptions o) {
    int[] sackLeft = layer.sackLeft;
    int[] sackRight = layer.sackRight;
    int count = 0;
    for (Object[] e : outOfOrder) {
      int l = (Integer) e[0];
      int r = l + ((ByteBuf) e[1]).readableBytes();
      if (Seq.le(r, rcvNxt)) {
        continue;
      }
      l = Seq.max(l, rcvNxt);
      boolean merged = false;
      for (int j = 0; j < count; j++) {
        if (Seq.le(l, sackRight[j]) && Seq.ge(r, sackLeft[j])) {
          sackLeft[j] = Seq.min(l, sackLeft[j]);
          sackRight[j] = Seq.max(r, sackRight[j]);
          merged = true;
          break;
        }
      }
      if (!merged && count < sackLeft.length) {
        sackLeft[count] = l;
        sackRight[count] = r;
        count++;
      }
    }
    // Ranges that grew into each other are merged too.
    for (boolean again = true; again; ) {
      again = false;
      for (int i = 0; i < count && !again; i++) {
        for (int j = i + 1; j < count; j++) {
          if (Seq.le(sackLeft[j], sackRight[i]) && Seq.ge(sackRight[j], sackLeft[i])) {
            sackLeft[i] = Seq.min(sackLeft[i], sackLeft[j]);
            sackRight[i] = Seq.max(sackRight[i], sackRight[j]);
            count--;
            sackLeft[j] = sackLeft[count];
            sackRight[j] = sackRight[count];
            again = true;
            break;
          }
        }
      }
    }
    int max = timestamps ? 3 : 4;
    int first = -1;
    for (int i = 0; i < count; i++) {
      if (Seq.inRange(lastOutOfOrderSeq, sackLeft[i], sackRight[i])) {
        first = i;
        o.addSackBlock(sackLeft[i], sackRight[i]);
        break;
      }
    }
    for (int i = 0; i < count && o.sackBlocks() < max; i++) {
      if (i != first) {
        o.addSackBlock(sackLeft[i], sackRight[i]);
      }
    }
  }

  /**
   * An ACK now (RFC 9293 §3.10.7.4: {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>}), with the highest
   * sequence number sent: after a timeout SND.NXT goes back to retransmit, and an ACK numbered
   * below the peer's RCV.NXT would be unacceptable to it, its acknowledgment ignored (as Linux,
   * whose snd_nxt never goes back).
   */
  void sendAck(long now) {
    emitWithAck(sndMax, ACK, null, 0, 0, now);
  }

  private void clearAckPending() {
    delayedAckAt = NONE;
    ackAtBatchEnd = false;
    unackedSegments = 0;
    unackedBytes = 0;
  }

  /**
   * The window field to send (RFC 9293 §3.8.6.2). The right edge {@link #rcvAdv} never moves left
   * (§3.8.6.2.1) and moves right only when the free buffer would open it by at least
   * min(Eff.snd.MSS, buffer/2) (receiver silly-window avoidance, §3.8.6.2.2 and RFC 1122
   * §4.2.3.3), and then never beyond the free buffer. Otherwise the field says the current window
   * rounded down to a unit of the window scale: the edge seems to retract by less than one unit
   * (RFC 7323 §2.4), and data up to the real edge is still accepted. Rounding up instead (as
   * Linux's {@code tcp_select_window}) would creep the edge past the buffer a few bytes per ACK
   * while the application does not read.
   */
  private int advertisedWindow() {
    int current = Math.max(0, rcvAdv - rcvNxt);
    int opening = windowOpening(current);
    if (opening >= receiveSwsThreshold()) {
      int field = (current + opening) >> rcvScale;
      rcvAdv = rcvNxt + (field << rcvScale);
      return field;
    }
    return Math.min(current >> rcvScale, 65_535);
  }

  /**
   * How far the right edge would move if we offered all the free buffer now, in whole units of
   * the window scale: RCV.BUFF - RCV.USER - RCV.WND of RFC 9293 §3.8.6.2.2, within the stack's
   * receive budget.
   */
  private int windowOpening(int current) {
    int buffer = layer.settings().receiveBuffer();
    int space = closedByApp ? buffer : buffer - readable();
    space = (int) Math.max(0, Math.min(space, layer.receiveBudgetLeft()));
    int offered = Math.min(space >> rcvScale, 65_535) << rcvScale;
    return offered - current;
  }

  /** min(Eff.snd.MSS, RCV.BUFF/2): the smallest opening worth announcing (RFC 1122 §4.2.3.3). */
  private int receiveSwsThreshold() {
    return Math.min(sendMssForAck(), layer.settings().receiveBuffer() / 2);
  }

  /**
   * Whether the application's read opened the window enough to announce it at once rather than
   * with the next ACK: by at least min(2 × MSS, buffer/2) while the window offered is at most half
   * the buffer (a peer with a wider window is not waiting for it; Linux's {@code
   * tcp_cleanup_rbuf} rule).
   */
  private boolean windowUpdateDue() {
    int buffer = layer.settings().receiveBuffer();
    int current = Math.max(0, rcvAdv - rcvNxt);
    int opening = windowOpening(current);
    return opening >= receiveSwsThreshold() && opening >= Math.min(2 * sendMssForAck(), buffer / 2)
        && current <= buffer / 2;
  }

  private int tsNow(long now) {
    return (int) (now / 1_000_000L) + tsOffset;
  }

  private void armRetransmit(long now) {
    retransmitAt = now + rto;
    if (userTimeout > 0 && state.synchronizedState()) {
      retransmitAt = Math.max(now, Math.min(retransmitAt, progressAt + userTimeout));
    }
  }

  // ---------------------------------------------------------------- timers

  long nextDeadline() {
    long d = Math.min(retransmitAt, delayedAckAt);
    d = Math.min(d, persistAt);
    d = Math.min(d, timeWaitAt);
    d = Math.min(d, keepAliveAt);
    return Math.min(d, userDeadline);
  }

  /** Fires the timers due at {@code now}. */
  void timers(long now) {
    if (timeWaitAt <= now) {
      layer.remove(this, null);
      return;
    }
    if (userDeadline <= now) {
      userDeadline = NONE;
      if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
        fail(new ConnectException("Connection to " + remoteEndpoint() + " timed out"));
        layer.remove(this, null);
        return;
      }
      if (state == TcpState.FIN_WAIT_2) {
        layer.remove(this, null);
        return;
      }
    }
    if (delayedAckAt <= now) {
      sendAck(now);
    }
    if (retransmitAt <= now) {
      retransmitTimeout(now);
      if (removed) {
        return;
      }
    }
    if (persistAt <= now) {
      persistTimeout(now);
    }
    if (keepAliveAt <= now) {
      keepAliveTimeout(now);
    }
  }

  /**
   * RFC 9293 §3.8.4, RFC 1122 §4.2.3.6: an idle connection gets a probe — an ACK with SEG.SEQ =
   * SND.NXT - 1 and no data, which the peer must answer — every interval; unanswered probes
   * beyond the limit time the connection out. While data is in flight the retransmission timer
   * watches the peer instead.
   */
  private void keepAliveTimeout(long now) {
    keepAliveAt = NONE;
    if (keepAliveIdle == 0 || (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT)) {
      return;
    }
    if (sndMax != sndUna || persistAt != NONE) {
      keepAliveAt = now + keepAliveIdle;
      return;
    }
    if (keepAliveProbesSent >= keepAliveProbes) {
      giveUp(new SocketTimeoutException("Connection to " + remoteEndpoint() + " timed out: "
          + keepAliveProbesSent + " keep-alive probes unanswered"), now);
      return;
    }
    keepAliveProbesSent++;
    layer.counters().increment(TcpCounter.TX_KEEPALIVE_PROBES);
    emitWithAck(sndUna - 1, ACK, null, 0, 0, now);
    keepAliveAt = now + keepAliveInterval;
  }

  /** Times the connection out: the application sees {@code e}, the peer a RST. */
  private void giveUp(IOException e, long now) {
    layer.counters().increment(TcpCounter.CONNECTIONS_TIMED_OUT);
    fail(e);
    if (state.synchronizedState()) {
      layer.sendReset(remoteAddress, remotePort, localPort, sndNxt, 0, false, now);
    }
    layer.remove(this, null);
  }

  /** RFC 6298 §5.4–§5.7: retransmit, back off, collapse the window; give up after the limit. */
  private void retransmitTimeout(long now) {
    retransmitAt = NONE;
    int limit = state.synchronizedState() ? layer.settings().dataRetries() : layer.settings().synRetries();
    // A peer that keeps answering with a zero window is alive: its application does not read. It
    // is given up only after MAX_RTO without any ACK (as Linux's tcp_retransmit_timer).
    boolean zeroWindowPeerAlive = state.synchronizedState() && sndWnd == 0 && now - lastAckAt < MAX_RTO;
    // RFC 5482 §1: a user timeout, when set, replaces the count (RFC 9293 §3.8.3's R2).
    boolean userTimedOut = userTimeout > 0 && state.synchronizedState() && now - progressAt >= userTimeout;
    boolean retriesExhausted = (userTimeout == 0 || !state.synchronizedState()) && retries >= limit;
    if (userTimedOut) {
      giveUp(new SocketTimeoutException("Connection to " + remoteEndpoint() + " timed out: data unacknowledged for "
          + (now - progressAt) / 1_000_000 + " ms (user timeout)"), now);
      return;
    }
    if (retriesExhausted && !zeroWindowPeerAlive) {
      layer.counters().increment(TcpCounter.CONNECTIONS_TIMED_OUT);
      if (DEBUG) {
        System.err.println("TIMEOUT " + describe());
        layer.debugDump();
      }
      if (state == TcpState.SYN_SENT || (state == TcpState.SYN_RECEIVED && listener == null)) {
        fail(new ConnectException("Connection to " + remoteEndpoint() + " timed out"));
      } else {
        fail(new SocketTimeoutException("Connection to " + remoteEndpoint()
            + " timed out: no acknowledgment after " + retries + " retransmissions"));
      }
      if (state.synchronizedState()) {
        layer.sendReset(remoteAddress, remotePort, localPort, sndNxt, 0, false, now);
      }
      layer.remove(this, null);
      return;
    }
    retries++;
    rto = Math.min(MAX_RTO, rto * 2);
    rttStart = -1; // Karn
    layer.counters().increment(TcpCounter.TX_RETRANSMITS);
    if (state == TcpState.SYN_SENT) {
      sndNxt = iss;
      sendSyn(false, now);
      return;
    }
    if (state == TcpState.SYN_RECEIVED) {
      sndNxt = iss;
      sendSyn(true, now);
      return;
    }
    if (retries == 1) {
      // RFC 5681 §3.1 equation 4, once per series of timeouts (as RFC 6298 §5.5's backoff).
      hyStartOver();
      ssthresh = cc.onCongestion(cwnd, inFlight(), sendMss, now);
    }
    cwnd = sendMss;
    inRecovery = false;
    sackRecovery = false;
    if (scoreboard != null) {
      scoreboard.clear(sndUna); // RFC 2018 §8: after a timeout SACK information is not trusted
    }
    recover = sndMax;
    dupAcks = 0;
    sndNxt = sndUna;
    output(now);
    if (retransmitAt == NONE && sndMax != sndUna) {
      armRetransmit(now);
    }
  }

  /** RFC 9293 §3.8.6.1: probe a zero window (or send what a small window allows). */
  private void persistTimeout(long now) {
    persistAt = NONE;
    if (sndNxt != sndUna || !state.synchronizedState()) {
      return;
    }
    int avail = queued() - (sndNxt - queueSeq);
    if (avail <= 0) {
      return;
    }
    if (sndWnd > 0) {
      int len = (int) Math.min(Math.min(avail, sendMss), sndWnd);
      sendSegment(sndNxt, len, false, now);
      sndNxt += len;
      sndMax = Seq.max(sndMax, sndNxt);
      armRetransmit(now);
      return;
    }
    layer.counters().increment(TcpCounter.TX_WINDOW_PROBES);
    // An old sequence number with no data: the peer answers with its window (as Linux probes).
    emitWithAck(sndUna - 1, ACK, null, 0, 0, now);
    persistBackoff = Math.min(MAX_RTO, Math.max(rto, persistBackoff * 2));
    persistAt = now + persistBackoff;
  }

  // ---------------------------------------------------------------- the application's calls

  void connect(CompletableFuture<TcpConnection> result, long deadline) {
    pendingConnect = result;
    userDeadline = deadline;
  }

  /** Flow.read on the loop. */
  void read(CompletableFuture<ByteBuf> result, long now) {
    if (closedByApp) { // first: after close, read fails whatever has arrived since (no timing-dependent outcome)
      result.completeExceptionally(new SocketException("Flow closed"));
      return;
    }
    if (readable() > 0) {
      result.complete(takeReceived(now));
      return;
    }
    if (finReceived) {
      result.complete(null);
      return;
    }
    if (error != null) {
      result.completeExceptionally(error);
      return;
    }
    if (pendingRead != null) {
      result.completeExceptionally(new IllegalStateException("another read is waiting on this flow"));
      return;
    }
    pendingRead = result;
  }

  private void completeRead() {
    CompletableFuture<ByteBuf> r = pendingRead;
    pendingRead = null;
    if (readable() > 0) {
      r.complete(takeReceived(layer.lastNow()));
    } else if (finReceived) {
      r.complete(null);
    } else if (error != null) {
      r.completeExceptionally(error);
    } else {
      pendingRead = r;
    }
  }

  private ByteBuf takeReceived(long now) {
    ByteBuf b = received;
    received = null;
    layer.held(-b.readableBytes());
    // The window reopens as the application reads (RFC 9293 §3.8.6.2.2): announce it at once when
    // it opens enough.
    if (error == null && !removed && state.synchronizedState() && state != TcpState.TIME_WAIT && !finReceived
        && windowUpdateDue()) {
      layer.counters().increment(TcpCounter.TX_WINDOW_UPDATES);
      sendAck(now);
    }
    return b;
  }

  /** Flow.write on the loop: takes ownership of {@code data}. */
  void write(ByteBuf data, CompletableFuture<Void> result, long now) {
    if (error != null) {
      data.release();
      result.completeExceptionally(error);
      return;
    }
    if (outputShut || closedByApp) {
      data.release();
      result.completeExceptionally(new SocketException("output of this flow was shut down"));
      return;
    }
    if (pendingWriteData != null) {
      data.release();
      result.completeExceptionally(new IllegalStateException("another write is waiting on this flow"));
      return;
    }
    pendingWriteData = data;
    pendingWrite = result;
    fillFromPendingWrite(false);
    output(now);
    layer.rescheduled(this);
  }

  /**
   * A write the application did not wait for ({@link TcpService}'s write-behind, within {@link
   * #writeLimit} and charged to the {@link SendBudget} already): takes ownership of {@code data}.
   * It fits the send queue by that bound; should it not, it waits behind whatever write is
   * pending instead of being lost. After a reset or a shutdown it is dropped (its charge given
   * back) and the application's next write waits for the loop, which throws.
   */
  void writeBehind(ByteBuf data, long now) {
    int n = data.readableBytes();
    if (error != null || outputShut || closedByApp || removed) {
      data.release();
      layer.sendBudget().release(n);
      writesMustWait = true;
      return;
    }
    sendCharged += n;
    pendingCharged += n;
    if (pendingWriteData != null) {
      pendingWriteData = Unpooled.wrappedBuffer(pendingWriteData, data);
      return;
    }
    pendingWriteData = data;
    pendingWrite = new CompletableFuture<>(); // nobody waits for it
    fillFromPendingWrite(false);
    output(now);
    layer.rescheduled(this);
  }

  /** Called by the layer when this connection's turn in the send budget's line comes. */
  void servedFromBudget(long now) {
    if (pendingWriteData == null || removed) {
      return;
    }
    fillFromPendingWrite(true);
    output(now);
    layer.rescheduled(this);
  }

  /**
   * Moves what the send buffer and the {@link SendBudget} allow from the pending write into the
   * send queue; completes the write once all of it is queued. Bytes not yet charged are charged
   * here; when the budget gives less than the buffer would take, the connection joins the
   * budget's line ({@code served}: it is being served from that line, and counted already).
   */
  private void fillFromPendingWrite(boolean served) {
    ByteBuf q = sendQueue();
    int room = layer.settings().sendBuffer() - q.readableBytes();
    int want = Math.min(room, pendingWriteData.readableBytes());
    int prepaid = Math.min(want, pendingCharged);
    int extra = want - prepaid;
    int granted = extra == 0 ? 0
        : (int) layer.sendBudget().reserve(extra, sendCharged == 0 ? sendMss : 0, served);
    pendingCharged -= prepaid;
    sendCharged += granted;
    int n = prepaid + granted;
    if (n > 0) {
      if (q.maxWritableBytes() < n) {
        q.discardReadBytes();
      }
      q.writeBytes(pendingWriteData, n);
    }
    if (pendingWriteData.readableBytes() == 0) {
      pendingWriteData.release();
      pendingWriteData = null;
      waitsForBudget = false;
      CompletableFuture<Void> w = pendingWrite;
      pendingWrite = null;
      w.complete(null);
    } else if (granted < extra && !waitsForBudget) {
      waitsForBudget = true;
      layer.sendBudget().await(this);
      if (!served) {
        layer.counters().increment(TcpCounter.TX_WAIT_MEMORY);
      }
    }
  }

  /** Drops the pending write's data and gives back what of it was charged. */
  private void dropPendingWriteData() {
    pendingWriteData.release();
    pendingWriteData = null;
    layer.sendBudget().release(pendingCharged);
    sendCharged -= pendingCharged;
    pendingCharged = 0;
    waitsForBudget = false;
  }

  /** Flow.shutdownOutput on the loop: queues the FIN (RFC 9293 §3.10.4). */
  void shutdownOutput(long now) {
    if (outputShut || error != null) {
      return;
    }
    outputShut = true;
    if (pendingWriteData != null) {
      // Not reached through Flow (write blocks until queued); kept for safety.
      dropPendingWriteData();
      pendingWrite.completeExceptionally(new SocketException("output shut down"));
      pendingWrite = null;
    }
    switch (state) {
      case SYN_SENT -> layer.remove(this, null);
      case SYN_RECEIVED, ESTABLISHED -> {
        queueFin();
        state = TcpState.FIN_WAIT_1;
      }
      case CLOSE_WAIT -> {
        queueFin();
        state = TcpState.LAST_ACK;
      }
      default -> { }
    }
    output(now);
    layer.rescheduled(this);
  }

  private void queueFin() {
    finQueued = true;
    finSeq = queueSeq + queued();
  }

  /** Flow.close on the loop. */
  void close(long now) {
    if (closedByApp) {
      return;
    }
    closedByApp = true;
    if (received != null) {
      dropReceived();
    }
    if (pendingRead != null) {
      pendingRead.completeExceptionally(new SocketException("Flow closed"));
      pendingRead = null;
    }
    if (error != null || removed) {
      layer.remove(this, null);
      return;
    }
    if (state == TcpState.FIN_WAIT_2) {
      userDeadline = now + layer.settings().finWait2Timeout().toNanos();
    }
    shutdownOutput(now);
  }

  /** Flow.abort on the loop: RST and forget (RFC 9293 §3.10.5). */
  void abort(long now) {
    closedByApp = true;
    if (!removed && state.synchronizedState() && state != TcpState.TIME_WAIT) {
      layer.sendReset(remoteAddress, remotePort, localPort, sndNxt, 0, false, now);
    } else if (!removed && state == TcpState.SYN_RECEIVED) {
      layer.sendReset(remoteAddress, remotePort, localPort, sndNxt, 0, false, now);
    }
    if (error == null) {
      error = new SocketException("Flow aborted");
    }
    layer.remove(this, null);
    releaseUnread(); // a connection reset before keeps its unread data for the application, which gave it up
  }

  /** Records {@code e} and fails every waiting call with it. */
  void fail(IOException e) {
    if (error == null) {
      error = e;
    }
    writesMustWait = true;
    if (pendingConnect != null) {
      pendingConnect.completeExceptionally(e);
      pendingConnect = null;
    }
    if (pendingRead != null) {
      CompletableFuture<ByteBuf> r = pendingRead;
      pendingRead = null;
      if (readable() > 0) {
        r.complete(takeReceived(layer.lastNow()));
      } else {
        r.completeExceptionally(error);
      }
    }
    if (pendingWrite != null) {
      dropPendingWriteData();
      pendingWrite.completeExceptionally(error);
      pendingWrite = null;
    }
  }

  /** Releases every buffer; called when the connection leaves the tables. */
  void releaseBuffers() {
    if (sendQueue != null) {
      sendQueue.release();
      sendQueue = null;
    }
    layer.sendBudget().release(sendCharged);
    sendCharged = 0;
    pendingCharged = 0;
    waitsForBudget = false;
    for (Object[] e : outOfOrder) {
      ((ByteBuf) e[1]).release();
    }
    outOfOrder.clear();
    layer.held(-outOfOrderBytes);
    outOfOrderBytes = 0;
    if (closedByApp && received != null) {
      dropReceived();
    }
  }

  private void dropReceived() {
    if (received != null) {
      layer.held(-received.readableBytes());
      received.release();
      received = null;
    }
  }

  /** Called by the layer when the connection is removed from every table. */
  void removedFromLayer() {
    removed = true;
    state = TcpState.CLOSED;
    retransmitAt = NONE;
    delayedAckAt = NONE;
    ackAtBatchEnd = false;
    persistAt = NONE;
    timeWaitAt = NONE;
    userDeadline = NONE;
    keepAliveAt = NONE;
    if (error == null && !closedByApp) {
      if (finReceived) {
        // A clean end: reads see end of stream after the data.
      } else {
        error = new SocketException("Connection closed");
      }
    }
    if (pendingRead != null || pendingWrite != null || pendingConnect != null) {
      fail(error != null ? error : new SocketException("Connection closed"));
    }
    releaseBuffers();
    if (closedByApp && received != null) {
      dropReceived();
    }
  }

  /** Releases data the application never read, once nobody can read it. */
  void releaseUnread() {
    if (received != null) {
      dropReceived();
    }
  }

  /** A snapshot of this connection for diagnostics (loop thread). */
  public TcpConnectionInfo info() {
    long sendQueued = sendQueue == null ? 0 : sendQueue.readableBytes();
    return new TcpConnectionInfo(localEndpoint(), remoteEndpoint(), state, sendQueued, readable(), srtt, rttvar, rto,
        cwnd, sendMss);
  }

  /** The control block's variables, for diagnostics. */
  public String describe() {
    return this + " iss=" + iss + " una=" + (sndUna - iss) + " nxt=" + (sndNxt - iss) + " max=" + (sndMax - iss)
        + " queue=" + (sendQueue == null ? -1 : sendQueue.readableBytes()) + " qseq=" + (queueSeq - iss)
        + " fin=" + finQueued + "@" + (finSeq - iss) + " sndWnd=" + sndWnd + " cwnd=" + cwnd + " ssthresh=" + ssthresh
        + " mss=" + sendMss + " rto=" + rto / 1_000_000 + "ms retries=" + retries + " recovery=" + inRecovery
        + " dup=" + dupAcks + " rcvNxt=" + (rcvNxt - irs) + " rcvAdv=" + (rcvAdv - irs) + " readable=" + readable()
        + " ooo=" + outOfOrder.size() + "/" + outOfOrderBytes + " finRcvd=" + finReceived + " ts=" + timestamps
        + " tsRecent=" + tsRecent + " persistAt=" + persistAt + " rtx=" + retransmitAt;
  }

  @Override
  public String toString() {
    return "tcp " + localPort + "->" + remoteEndpoint() + " " + state;
  }
}
