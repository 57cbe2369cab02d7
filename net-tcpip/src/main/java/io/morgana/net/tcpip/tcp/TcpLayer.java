package io.morgana.net.tcpip.tcp;

import static io.morgana.net.tcpip.wire.TcpPacket.ACK;
import static io.morgana.net.tcpip.wire.TcpPacket.RST;
import static io.morgana.net.tcpip.wire.TcpPacket.SYN;

import io.morgana.api.Endpoint;
import io.morgana.api.Ip;
import io.morgana.api.Offloads;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.internal.Rx;
import io.morgana.net.tcpip.internal.Tx;
import io.morgana.net.tcpip.ip.IpLayer;
import io.morgana.net.tcpip.ip.Transport;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.net.tcpip.wire.TcpOptions;
import io.morgana.net.tcpip.wire.TcpPacket;
import io.morgana.runtime.Entropy;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.LongObjectHashMap;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TCP (RFC 9293) over an {@link IpLayer}: a {@link Transport} that finds each segment's
 * connection in O(1) by its 4-tuple (one hash lookup on a {@code long} of remote address, remote
 * port and local port, keyed and mixed: {@link #key}; the stack has one address), hands it to
 * the {@link TcpConnection}'s state machine, and otherwise:
 *
 * <ul>
 *   <li>LISTEN (RFC 9293 §3.10.7.2): a SYN to a listening port opens a half-open connection,
 *       within the listener's backlog and the stack's connection limit (dropped and counted
 *       beyond: the peer retransmits); an ACK gets a RST.
 *   <li>CLOSED (RFC 9293 §3.10.7.1): a segment to a port with neither connection nor listener
 *       gets a RST ({@code <SEQ=SEG.ACK><CTL=RST>}, or {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 *       <CTL=RST,ACK>}); a RST is dropped. Only unicast segments are processed (RFC 1122
 *       §4.2.3.10).
 *   <li>Initial sequence numbers (RFC 6528): {@code ISN = M + F(localip, localport, remoteip,
 *       remoteport, secretkey)} with M a 4 µs clock from the loop's time and F SipHash-2-4.
 *   <li>Ephemeral ports 49152–65535, round robin; a port is free again as soon as no connection
 *       to that peer uses it, and a port whose connection to that peer waits in TIME-WAIT is
 *       taken over when that is safe ({@link #reusable}, as Linux's {@code tcp_tw_reuse}), so
 *       connect/close cycles never run out (mirage-tcpip#462 stops after 65,535).
 *   <li>TIME-WAIT lasts 2×MSL and at most {@link TcpSettings#maxTimeWait} connections wait in it
 *       (beyond, the oldest ends early); a new SYN reopens a TIME-WAIT 4-tuple by RFC 6191: with
 *       a timestamp above the old TS.Recent, or a sequence number above the old RCV.NXT.
 *   <li>Memory: connections never exceed {@link TcpSettings#maxConnections} (TIME-WAIT apart,
 *       bounded by its own limit); an idle connection holds no buffer (send queue and received
 *       data are allocated when used and released when empty), and received data of all
 *       connections stays within {@link TcpSettings#receiveBudget}, data to send within {@link
 *       TcpSettings#sendBudget} ({@link SendBudget}: a write beyond it waits its turn).
 *   <li>Challenge ACKs are limited to 1,000 a second for the whole stack (RFC 5961 §7).
 *   <li>ICMP (RFC 1122 §4.2.3.9, RFC 1191): fragmentation needed lowers the connection's MSS;
 *       port or protocol unreachable during SYN-SENT refuses the connect; others are soft.
 * </ul>
 *
 * <p>Loop thread only; the blocking API is {@link TcpService}. Timers are polled: each
 * connection that may have moved a deadline earlier reports it ({@link #rescheduled}) to a heap
 * ordered by deadline ({@link DeadlineHeap}), whose earliest key is the layer's {@link
 * #nextDeadlineNanos}; a poll looks at the connections whose keys are due, and only at them.
 */
public final class TcpLayer implements Transport, Pollable {

  public static final int EPHEMERAL_FIRST = 49_152;
  public static final int EPHEMERAL_LAST = 65_535;
  static final int CHALLENGE_ACKS_PER_SECOND = 1_000;

  private final IpLayer ip;
  private final AddressCache cache;
  private final ByteBufAllocator alloc;
  private final TcpSettings settings;
  private final ProtocolCounters<TcpCounter> counters = new ProtocolCounters<>(TcpCounter.class);
  private final TcpPacket rx = new TcpPacket();
  private final TcpPacket quotedRx = new TcpPacket();
  private final TcpOptions rxOptions = new TcpOptions();
  private final TcpOptions txOptions = new TcpOptions();
  /** Scratch for the SACK blocks of the ACK being built (RFC 2018 §4): one pair for all connections. */
  final int[] sackLeft = new int[16];
  final int[] sackRight = new int[16];
  private final LongObjectHashMap<TcpConnection> connections = new LongObjectHashMap<>();
  private final IntObjectHashMap<Listener> listeners = new IntObjectHashMap<>();
  /** Connections not in TIME-WAIT that have a deadline (TIME-WAIT has {@link #timeWaitQueue}). */
  private final DeadlineHeap deadlines = new DeadlineHeap();
  /** Scratch for the connections a poll found due. */
  private final ArrayList<TcpConnection> due = new ArrayList<>();
  /** TIME-WAIT connections in order of their deadlines (2×MSL after entering, or after a restart). */
  private final ArrayDeque<TcpConnection> timeWaitQueue = new ArrayDeque<>();
  /** Connections holding an ACK to the end of the receive batch ({@link #endOfBatch}). */
  private final ArrayList<TcpConnection> batchAcks = new ArrayList<>();
  private final long k0;
  private final long k1;
  private int nextEphemeral = EPHEMERAL_FIRST;
  private int active;
  private int timeWait;
  private long lastNow;
  private boolean sackEnabled = true;
  private boolean synCookies = true;
  /** Bytes of received data held by all connections: in order and not read, or out of order. */
  private long receiveHeld;
  private final SendBudget sendBudget;
  private long challengeWindowStart = Long.MIN_VALUE;
  private int challengeAcks;

  public TcpLayer(IpLayer ip, AddressCache cache, ByteBufAllocator alloc, TcpSettings settings) {
    this(ip, cache, alloc, settings, Entropy.secure());
  }

  /** With the RFC 6528 key drawn from {@code entropy} when {@code settings} give none. */
  public TcpLayer(IpLayer ip, AddressCache cache, ByteBufAllocator alloc, TcpSettings settings, Entropy entropy) {
    this.ip = ip;
    this.cache = cache;
    this.alloc = alloc;
    this.settings = settings;
    this.sendBudget = new SendBudget(settings.sendBudget());
    long secret = settings.secret();
    if (secret == 0) {
      k0 = entropy.nextLong();
      k1 = entropy.nextLong();
    } else {
      k0 = secret;
      k1 = Long.rotateLeft(secret, 17) ^ 0x5bd1e995_9e3779b9L;
    }
  }

  public ProtocolCounters<TcpCounter> counters() {
    return counters;
  }

  public TcpSettings settings() {
    return settings;
  }

  AddressCache cache() {
    return cache;
  }

  ByteBufAllocator alloc() {
    return alloc;
  }

  TcpOptions txOptions() {
    return txOptions;
  }

  long lastNow() {
    return lastNow;
  }

  /** Our MSS: the IP MTU less the IPv4 and TCP headers (RFC 9293 §3.7.1). */
  int ourMss() {
    return ip.mtu() - TcpPacket.MIN_HEADER_LENGTH;
  }

  /** Connections in the table (every state but LISTEN), TIME-WAIT included. */
  public int connectionCount() {
    return connections.size();
  }

  /** Bytes of received data held for all connections (not yet read, or out of order). */
  public long receiveHeld() {
    return receiveHeld;
  }

  boolean receiveRoom(int n) {
    return receiveHeld + n <= settings.receiveBudget();
  }

  long receiveBudgetLeft() {
    return settings.receiveBudget() - receiveHeld;
  }

  void held(long delta) {
    receiveHeld += delta;
  }

  SendBudget sendBudget() {
    return sendBudget;
  }

  /**
   * Bytes held for sending by all connections (written, not yet acknowledged), within {@link
   * TcpSettings#sendBudget} plus one MSS per connection ({@link SendBudget}).
   */
  public long sendHeld() {
    return sendBudget.held();
  }

  /**
   * Hands room freed in the send budget to the connections waiting for it, in order ({@link
   * SendBudget}); forgets those that no longer wait.
   */
  private boolean serveSendWaiters(long now) {
    if (sendBudget.nobodyWaits()) {
      return false;
    }
    boolean worked = false;
    for (int turns = sendBudget.waiters(); turns > 0; turns--) {
      TcpConnection c = sendBudget.first();
      if (c.removed || !c.waitsForBudget) {
        sendBudget.next();
        continue;
      }
      if (!sendBudget.hasRoom()) {
        break;
      }
      sendBudget.next();
      c.waitsForBudget = false;
      c.servedFromBudget(now);
      worked = true;
    }
    sendBudget.lineChanged();
    return worked;
  }

  /**
   * Whether new connections agree to SACK (RFC 2018) and report out-of-order data in SACK
   * blocks; on by default. (It was off after a stall against Linux under 2 % loss,
   * TcpLossyTapInteropTest: the cause was the receive window's right edge creeping past the
   * buffer by rounding, not SACK; SACK only made Linux fill the window faster.)
   */
  public boolean sackEnabled() {
    return sackEnabled;
  }

  /** Turns SACK on or off for new connections. */
  public void sackEnabled(boolean on) {
    sackEnabled = on;
  }

  /**
   * Whether a listener whose half-open queue is full answers SYNs with SYN cookies (RFC 4987
   * §3.6) instead of dropping them; on by default.
   */
  public boolean synCookies() {
    return synCookies;
  }

  /** Turns SYN cookies on or off. */
  public void synCookies(boolean on) {
    synCookies = on;
  }

  /** Connections in TIME-WAIT. */
  public int timeWaitCount() {
    return timeWait;
  }

  /**
   * A snapshot of every connection in the table (every state but LISTEN, TIME-WAIT included), in
   * no particular order: for diagnostics and management. Call on the loop thread.
   */
  public List<TcpConnectionInfo> connections() {
    List<TcpConnectionInfo> out = new ArrayList<>(connections.size());
    for (TcpConnection c : connections.values()) {
      out.add(c.info());
    }
    return out;
  }

  /** The ports with a listener (RFC 9293 LISTEN), ascending. Call on the loop thread. */
  public List<Integer> listeningPorts() {
    List<Integer> ports = new ArrayList<>(listeners.keySet());
    ports.sort(null);
    return ports;
  }

  /** The connection of a 4-tuple, or null (tests). */
  public TcpConnection connection(int remoteAddress, int remotePort, int localPort) {
    return connections.get(key(remoteAddress, remotePort, localPort));
  }

  @Override
  public int protocol() {
    return Ip.PROTOCOL_TCP;
  }

  /**
   * The table's key of a 4-tuple (the local address is the stack's one): remote address, remote
   * port and local port packed into a {@code long}, then mixed with the secret by a bijection
   * (keys stay unique), so that the table's index — the low bits of {@code key ^ key >>> 32} in
   * Netty's {@link LongObjectHashMap} — varies with the ports. Packed alone, the connections of
   * one peer to one listening port all differ in bits 16–31 only and land in one slot: every
   * lookup probed linearly through all of them (as Linux, the hash is keyed so that a peer cannot
   * choose colliding ports either).
   */
  long key(int remoteAddress, int remotePort, int localPort) {
    long z = (((long) remoteAddress << 32) | ((long) remotePort << 16) | localPort) ^ k1;
    // MurmurHash3's fmix64: xor-shifts and odd multiplications, each invertible.
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  // ---------------------------------------------------------------- receive

  @Override
  public void receive(Ipv4Packet header, ByteBuf payload, int rxFlags, long now) {
    lastNow = now;
    try {
      rx.wrap(payload, payload.readerIndex(), payload.readableBytes()).check();
    } catch (MalformedPacketException e) {
      counters.increment(TcpCounter.RX_DROP_MALFORMED);
      return;
    }
    if (!Rx.has(rxFlags, Rx.CHECKSUM_VERIFIED)) {
      try {
        rx.verifyChecksum(header.source(), header.destination());
      } catch (MalformedPacketException e) {
        counters.increment(TcpCounter.RX_DROP_BAD_CHECKSUM);
        return;
      }
    }
    if (!ip.isOurUnicast(header.destination()) || Rx.has(rxFlags, Rx.LINK_BROADCAST)) {
      counters.increment(TcpCounter.RX_DROP_NOT_UNICAST);
      return;
    }
    counters.increment(TcpCounter.RX_SEGMENTS);
    rxOptions.parse(rx);
    if (rxOptions.malformed()) {
      counters.increment(TcpCounter.RX_BAD_OPTIONS);
    }
    int src = header.source();
    int sport = rx.sourcePort();
    int dport = rx.destinationPort();
    long key = key(src, sport, dport);
    TcpConnection c = connections.get(key);
    Listener l = listeners.get(dport);
    long iss = NO_ISS;
    if (c != null && c.state == TcpState.TIME_WAIT && l != null
        && (rx.flags() & (SYN | ACK | RST)) == SYN && newIncarnationAllowed(c)) {
      counters.increment(TcpCounter.TIME_WAIT_REUSED);
      iss = Integer.toUnsignedLong(c.sndNxt + 65_537); // above anything the old incarnation sent, as Linux
      remove(c, null);
      c = null;
    } else if (c != null && c.state == TcpState.SYN_RECEIVED && c.listener == l && l != null && synCookies
        && (rx.flags() & (SYN | ACK | RST)) == ACK && rx.acknowledgment() != c.iss + 1
        && validCookie(src, sport, dport, now)) {
      // The peer answers a SYN-ACK with a cookie, sent while the half-open queue was full, and a
      // retransmission of its SYN found room since and made this half-open connection: the
      // cookie's handshake is the one the peer completed (RFC 4987 §3.6), where RFC 9293
      // §3.10.7.4 would reset the connection the peer already has.
      remove(c, null);
      c = null;
    }
    if (c != null) {
      c.segmentArrives(rx, rxOptions, now);
      rescheduled(c);
      return;
    }
    if (l == null) {
      closedPort(src, sport, dport, now);
      return;
    }
    listen(l, header, iss, now);
  }

  /**
   * RFC 6191 §2: whether the SYN in {@link #rx} may open a new incarnation of {@code tw}'s
   * 4-tuple. When the old one used timestamps and the SYN carries one: its TSval above TS.Recent,
   * or equal with a sequence number above RCV.NXT; otherwise (RFC 9293 §3.6.1) the sequence number
   * above RCV.NXT.
   */
  private boolean newIncarnationAllowed(TcpConnection tw) {
    boolean seqAbove = Seq.gt(rx.sequence(), tw.rcvNxt);
    if (tw.timestamps && rxOptions.hasTimestamps()) {
      int tsVal = rxOptions.timestampValue();
      return Seq.gt(tsVal, tw.tsRecent) || (tsVal == tw.tsRecent && seqAbove);
    }
    return seqAbove;
  }

  /** RFC 9293 §3.10.7.1: CLOSED. */
  private void closedPort(int src, int sport, int dport, long now) {
    int flags = rx.flags();
    if ((flags & RST) != 0) {
      return;
    }
    counters.increment(TcpCounter.RX_CLOSED_PORT);
    if ((flags & ACK) != 0) {
      sendReset(src, sport, dport, rx.acknowledgment(), 0, false, now);
    } else {
      sendReset(src, sport, dport, 0, rx.sequence() + rx.sequenceLength(), true, now);
    }
  }

  /** No initial sequence number chosen yet: the RFC 6528 one is drawn. */
  private static final long NO_ISS = -1;

  /** RFC 9293 §3.10.7.2: LISTEN; {@code iss} is the ISN of a new incarnation, or {@link #NO_ISS}. */
  private void listen(Listener l, Ipv4Packet header, long iss, long now) {
    int flags = rx.flags();
    int src = header.source();
    if ((flags & RST) != 0) {
      return;
    }
    if ((flags & ACK) != 0) {
      if ((flags & SYN) == 0 && synCookies && cookieAccepted(l, header, now)) {
        return;
      }
      sendReset(src, rx.sourcePort(), l.port, rx.acknowledgment(), 0, false, now);
      return;
    }
    if ((flags & SYN) == 0) {
      return;
    }
    if (active >= settings.maxConnections()) {
      counters.increment(TcpCounter.CONNECTION_LIMIT);
      return;
    }
    if (l.readyCount.get() >= settings.backlog()) {
      counters.increment(TcpCounter.RX_DROP_LISTEN_OVERFLOW);
      return;
    }
    if (l.halfOpen >= settings.backlog()) {
      if (synCookies) {
        sendCookie(l, header, now);
      } else {
        counters.increment(TcpCounter.RX_DROP_LISTEN_OVERFLOW);
      }
      return;
    }
    TcpConnection c = new TcpConnection(this, key(src, rx.sourcePort(), l.port), header.destination(), l.port,
        src, rx.sourcePort(), l, settings.nagle());
    connections.put(c.key, c);
    active++;
    l.halfOpen++;
    c.halfOpen = true;
    c.acceptSyn(rx, rxOptions,
        iss == NO_ISS ? initialSequence(header.destination(), l.port, src, rx.sourcePort(), now) : (int) iss, now);
    rescheduled(c);
  }

  // ---------------------------------------------------------------- SYN cookies (RFC 4987 §3.6)

  /** The MSS a cookie can encode (3 bits), as Linux's table; the largest not above the peer's is used. */
  private static final int[] COOKIE_MSS = {536, 1200, 1220, 1380, 1440, 1460, 4312, 8960};
  /** The cookie's clock: 64 s ticks, 5 bits; a cookie is good in its tick and the next. */
  private static final long COOKIE_TICK = 64_000_000_000L;

  /**
   * A SYN cookie as our ISN: {@code t} (5 bits of a 64 s clock) | MSS index (3 bits) | 24 bits of
   * SipHash over the 4-tuple, the peer's ISN and {@code t} — no state is kept (RFC 4987 §3.6).
   */
  private int cookie(int src, int sport, int dport, int peerIsn, int t, int mssIndex) {
    long h = SipHash.hash(k0 ^ 0x636f6f6b6965L, k1, ((long) src << 32) | ((long) sport << 16) | dport,
        ((long) peerIsn << 8) | (t << 3) | mssIndex);
    return (t << 27) | (mssIndex << 24) | (int) (h & 0xff_ffff);
  }

  private void sendCookie(Listener l, Ipv4Packet header, long now) {
    int peerMss = rxOptions.mss() == TcpOptions.ABSENT ? TcpConnection.DEFAULT_MSS : rxOptions.mss();
    int mss = Math.min(peerMss, ourMss());
    int index = 0;
    while (index + 1 < COOKIE_MSS.length && COOKIE_MSS[index + 1] <= mss) {
      index++;
    }
    int t = (int) ((now / COOKIE_TICK) & 31);
    int src = header.source();
    int isn = cookie(src, rx.sourcePort(), l.port, rx.sequence(), t, index);
    counters.increment(TcpCounter.SYN_COOKIES_SENT);
    // Only the MSS: window scaling, timestamps and SACK cannot be remembered without state.
    TcpOptions o = txOptions.clear();
    o.mss(ourMss());
    send(header.destination(), src, l.port, rx.sourcePort(), isn, rx.sequence() + 1, SYN | ACK,
        Math.min(settings.receiveBuffer(), 65_535), o, null, 0, 0, 0, now);
  }

  /** An ACK to a listener: if it returns a valid cookie, the connection is established from it. */
  private boolean cookieAccepted(Listener l, Ipv4Packet header, long now) {
    int src = header.source();
    int sport = rx.sourcePort();
    int index = ((rx.acknowledgment() - 1) >>> 24) & 7;
    if (!validCookie(src, sport, l.port, now)) {
      counters.increment(TcpCounter.RX_BAD_COOKIES);
      return false;
    }
    if (active >= settings.maxConnections()) {
      counters.increment(TcpCounter.CONNECTION_LIMIT);
      return true; // dropped: the peer's data or next ACK tries again
    }
    if (l.readyCount.get() >= settings.backlog()) {
      counters.increment(TcpCounter.RX_DROP_LISTEN_OVERFLOW);
      return true;
    }
    counters.increment(TcpCounter.SYN_COOKIES_ACCEPTED);
    TcpConnection c = new TcpConnection(this, key(src, sport, l.port), header.destination(), l.port, src, sport, l,
        settings.nagle());
    connections.put(c.key, c);
    active++;
    c.acceptCookie(rx, COOKIE_MSS[index], now);
    passiveEstablished(c);
    if (!c.removed && (rx.payloadLength() > 0 || (rx.flags() & TcpPacket.FIN) != 0)) {
      c.segmentArrives(rx, rxOptions, now);
    }
    rescheduled(c);
    return true;
  }

  /** Whether the ACK in {@link #rx} returns a cookie we made for this 4-tuple, this tick or the last. */
  private boolean validCookie(int src, int sport, int port, long now) {
    int cookie = rx.acknowledgment() - 1;
    int t = cookie >>> 27;
    int index = (cookie >>> 24) & 7;
    int tNow = (int) ((now / COOKIE_TICK) & 31);
    return (t == tNow || t == ((tNow - 1) & 31)) && cookie(src, sport, port, rx.sequence() - 1, t, index) == cookie;
  }

  @Override
  public void onIcmpError(int type, int code, int restOfHeader, Ipv4Packet quoted, long now) {
    lastNow = now;
    if (quoted.availablePayloadLength() < 8) {
      return;
    }
    int off = quoted.payloadOffset();
    ByteBuf b = quoted.buffer();
    int localPort = b.getUnsignedShort(off);
    int remotePort = b.getUnsignedShort(off + 2);
    int seq = b.getInt(off + 4);
    TcpConnection c = connections.get(key(quoted.destination(), remotePort, localPort));
    if (c == null) {
      return;
    }
    counters.increment(TcpCounter.RX_ICMP_ERRORS);
    // RFC 5927 §4.1: only errors quoting a sequence number in flight.
    if (!Seq.inRange(seq, c.sndUna, c.sndMax + 1)) {
      return;
    }
    if (type == IcmpPacket.TYPE_DESTINATION_UNREACHABLE) {
      if (code == 4) { // fragmentation needed (RFC 1191)
        int mtu = restOfHeader & 0xffff;
        if (mtu >= 68) {
          int mss = mtu - Ipv4Packet.MIN_HEADER_LENGTH - TcpPacket.MIN_HEADER_LENGTH - (c.timestamps ? 12 : 0);
          if (mss > 0 && mss < c.sendMss) {
            c.sendMss = mss;
            c.sndNxt = c.sndUna;
            c.output(now);
            rescheduled(c);
          }
        }
      } else if ((code == 2 || code == 3) && c.state == TcpState.SYN_SENT) {
        counters.increment(TcpCounter.CONNECTIONS_REFUSED);
        c.fail(new ConnectException("Connection refused by " + c.remoteEndpoint() + " (ICMP unreachable)"));
        remove(c, null);
      }
    }
  }

  // ---------------------------------------------------------------- connections

  /** Called by a connection whose handshake from a listener completed. */
  void passiveEstablished(TcpConnection c) {
    Listener l = c.listener;
    if (c.halfOpen) {
      c.halfOpen = false;
      l.halfOpen--;
    }
    counters.increment(TcpCounter.CONNECTIONS_OPENED_PASSIVE);
    if (l.closed) {
      c.abort(lastNow);
      return;
    }
    CompletableFuture<TcpConnection> w = l.waiting.poll();
    if (w != null) {
      w.complete(c);
    } else {
      l.readyCount.incrementAndGet();
      l.ready.add(c);
    }
  }

  /** {@code c} has no timer here any more (TIME-WAIT, or removed). */
  private void untrack(TcpConnection c) {
    deadlines.remove(c);
  }

  /**
   * {@code c} entered TIME-WAIT: it leaves the deadline heap for the queue ordered by deadline. When
   * {@link TcpSettings#maxTimeWait} connections already wait, the oldest ends at once (its 2×MSL
   * nearest to done); with a limit of 0, {@code c} itself ends at the next poll.
   */
  void enteredTimeWait(TcpConnection c) {
    if (c.inTimeWait) {
      return;
    }
    active--;
    c.inTimeWait = true;
    untrack(c);
    if (settings.maxTimeWait() == 0) {
      counters.increment(TcpCounter.TIME_WAIT_OVERFLOW);
      c.timeWaitAt = lastNow; // removed at the next poll, not under the caller's feet
      timeWaitQueue.addFirst(c);
      timeWait++;
      return;
    }
    while (timeWait >= settings.maxTimeWait()) {
      TcpConnection oldest = timeWaitQueue.poll();
      if (!oldest.removed) {
        counters.increment(TcpCounter.TIME_WAIT_OVERFLOW);
        remove(oldest, null);
      }
    }
    timeWaitQueue.add(c);
    timeWait++;
  }

  /** Takes {@code c} out of every table (RFC 9293: "delete the TCB"). */
  void remove(TcpConnection c, Object unused) {
    if (c.removed) {
      return;
    }
    if (connections.get(c.key) == c) {
      connections.remove(c.key);
    }
    untrack(c);
    if (c.inTimeWait) {
      timeWait--;
    } else {
      active--;
    }
    if (c.halfOpen) {
      c.halfOpen = false;
      c.listener.halfOpen--;
    }
    c.removedFromLayer();
  }

  /** Notes that {@code c}'s deadlines may have moved earlier. */
  void rescheduled(TcpConnection c) {
    if (!c.removed && !c.inTimeWait) {
      deadlines.lowerTo(c, c.nextDeadline());
    }
  }

  /** {@code c} holds an ACK to the end of the receive batch ({@link TcpConnection#ackAtBatchEnd}). */
  void ackAtEndOfBatch(TcpConnection c) {
    if (!c.batchAckQueued) {
      c.batchAckQueued = true;
      batchAcks.add(c);
    }
  }

  /**
   * The end of a receive batch: every connection that held its ACK while the batch was delivered
   * sends it now, one ACK for all it received ({@link TcpConnection#ackAtBatchEnd}). Called first
   * in {@link #poll}: the kernel loop polls its pollables in the order they registered, and an
   * interface that registers before the stack (TAP, AF_PACKET, the simulator's) has its pass
   * ended here in the same turn; otherwise in the next, which follows at once: {@link
   * #nextDeadlineNanos} is due while an ACK is held, so the loop never sleeps on one.
   *
   * @return whether there was a held ACK to send
   */
  public boolean endOfBatch(long now) {
    int n = batchAcks.size();
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      TcpConnection c = batchAcks.get(i);
      c.batchEnded(now);
      rescheduled(c);
    }
    batchAcks.clear();
    return true;
  }

  @Override
  public boolean poll(long now) {
    lastNow = now;
    boolean worked = endOfBatch(now);
    worked |= serveSendWaiters(now);
    TcpConnection tw;
    while ((tw = timeWaitQueue.peek()) != null && (tw.removed || tw.timeWaitAt <= now)) {
      timeWaitQueue.poll();
      worked = true;
      if (!tw.removed) {
        remove(tw, null);
      }
    }
    // Every connection whose key is due, taken out first: each is looked at once per poll, even
    // if its timers set a deadline that is due again (the next poll follows at once).
    TcpConnection c;
    while ((c = deadlines.pollDue(now)) != null) {
      due.add(c);
    }
    if (due.isEmpty()) {
      return worked;
    }
    for (int i = 0; i < due.size(); i++) {
      c = due.get(i);
      if (!c.removed && c.nextDeadline() <= now) {
        c.timers(now);
      }
      rescheduled(c); // back under its true deadline, if it has one
    }
    due.clear();
    return true;
  }

  @Override
  public long nextDeadlineNanos() {
    if (!batchAcks.isEmpty()) {
      return lastNow;
    }
    TcpConnection tw = timeWaitQueue.peek();
    long earliest = deadlines.earliest();
    return tw == null ? earliest : Math.min(earliest, tw.timeWaitAt);
  }

  /** A TIME-WAIT connection restarted its timer (a retransmitted FIN): it goes to the back. */
  void timeWaitRestarted(TcpConnection c) {
    timeWaitQueue.remove(c);
    timeWaitQueue.add(c);
  }

  // ---------------------------------------------------------------- the application's calls

  void debugDump() {
    long[] v = counters.snapshot();
    StringBuilder b = new StringBuilder("  counters:");
    for (TcpCounter c : TcpCounter.values()) {
      if (v[c.ordinal()] != 0) {
        b.append(' ').append(c.name()).append('=').append(v[c.ordinal()]);
      }
    }
    System.err.println(b);
    for (TcpConnection c : connections.values()) {
      System.err.println("  " + c.describe());
    }
  }

  /** Starts listening on {@code port}. */
  public Listener listen(int port) throws IOException {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("TCP port must be 1..65535, got " + port);
    }
    if (listeners.containsKey(port)) {
      throw new BindException("TCP port " + port + " is already listened on");
    }
    Listener l = new Listener(port);
    listeners.put(port, l);
    return l;
  }

  /** Active open to {@code remote}, completing {@code result} when established or failed. */
  public void connect(Endpoint remote, long timeoutNanos, CompletableFuture<TcpConnection> result, long now) {
    lastNow = now;
    int dst = remote.address().toInt();
    if (remote.address().isLoopback() || remote.port() == 0) {
      result.completeExceptionally(new ConnectException("cannot connect to " + remote));
      return;
    }
    if (ip.sourceFor(remote.address()).toInt() == 0) {
      result.completeExceptionally(new ConnectException("no IPv4 address configured"));
      return;
    }
    if (active >= settings.maxConnections()) {
      counters.increment(TcpCounter.CONNECTION_LIMIT);
      result.completeExceptionally(new ConnectException("too many TCP connections ("
          + settings.maxConnections() + ")"));
      return;
    }
    int port = -1;
    TcpConnection previous = null;
    for (int i = 0; i <= EPHEMERAL_LAST - EPHEMERAL_FIRST; i++) {
      int p = nextEphemeral;
      nextEphemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
      if (listeners.containsKey(p)) {
        continue;
      }
      TcpConnection old = connections.get(key(dst, remote.port(), p));
      if (old == null || reusable(old, now)) {
        port = p;
        previous = old;
        break;
      }
    }
    if (port < 0) {
      counters.increment(TcpCounter.CONNECT_NO_PORT);
      result.completeExceptionally(new ConnectException("no free ephemeral port to " + remote));
      return;
    }
    int src = ip.sourceFor(remote.address()).toInt();
    int iss;
    if (previous != null) {
      counters.increment(TcpCounter.TIME_WAIT_REUSED);
      iss = previous.sndNxt + 65_537; // above anything the old incarnation sent, as Linux
      remove(previous, null);
    } else {
      iss = initialSequence(src, port, dst, remote.port(), now);
    }
    TcpConnection c = new TcpConnection(this, key(dst, remote.port(), port), src, port, dst, remote.port(), null,
        settings.nagle());
    connections.put(c.key, c);
    active++;
    c.connect(result, timeoutNanos == Long.MAX_VALUE ? TcpConnection.NONE : now + timeoutNanos);
    c.open(iss, now);
    rescheduled(c);
  }

  /** How long a TIME-WAIT connection must have been quiet before connect takes its port over. */
  static final long TIME_WAIT_REUSE_QUIET = 1_000_000_000L;

  /**
   * Whether connect may take over the 4-tuple of {@code old} while it waits in TIME-WAIT (as
   * Linux's {@code tcp_tw_reuse}, RFC 6191's conditions seen from the active side): it used
   * timestamps, so the new incarnation's SYN and everything after carry a later TSval on the
   * same per-4-tuple clock (RFC 7323 §5.4) and PAWS drops any old duplicate at the peer; the new
   * ISN starts above everything the old one sent; and nothing was heard for a second, so that
   * the timestamp clock (1 ms) has moved on.
   */
  private boolean reusable(TcpConnection old, long now) {
    return old.state == TcpState.TIME_WAIT && old.timestamps && now - old.lastHeardAt >= TIME_WAIT_REUSE_QUIET;
  }

  /** Closes every connection (RST) and listener: the stack is going away. */
  public void close() {
    for (Listener l : new ArrayList<>(listeners.values())) {
      l.close();
    }
    for (TcpConnection c : new ArrayList<>(connections.values())) {
      c.closedByApp = true;
      c.releaseUnread();
      remove(c, null);
    }
  }

  // ---------------------------------------------------------------- sending

  /** RFC 6528: M + F(localip, localport, remoteip, remoteport, secretkey). */
  int initialSequence(int localAddress, int localPort, int remoteAddress, int remotePort, long now) {
    long m = now / 4_000L;
    long f = SipHash.hash(k0, k1, ((long) localAddress << 32) | (remoteAddress & 0xffffffffL),
        ((long) localPort << 16) | remotePort);
    return (int) (m + f);
  }

  /** A per-connection offset for the timestamp clock (RFC 7323 §5.4). */
  int timestampOffset(long key) {
    return (int) SipHash.hash(k1, k0, key, 0x7473L);
  }

  boolean challengeAckAllowed(long now) {
    if (now - challengeWindowStart >= 1_000_000_000L) {
      challengeWindowStart = now;
      challengeAcks = 0;
    }
    return challengeAcks++ < CHALLENGE_ACKS_PER_SECOND;
  }

  /**
   * The most payload bytes one segment handed to the device may carry, for it to cut into
   * segments (TSO): the device's {@link Offloads#maxSegmentBytes()} when it also fills in
   * checksums (a super-segment's checksum is necessarily left partial), else 0.
   */
  int segmentationBytes() {
    Offloads o = ip.offloads();
    return o.txChecksum() ? Math.min(o.maxSegmentBytes(), Tx.MAX_SEGMENT_BYTES) : 0;
  }

  /**
   * Sends a segment of {@code c}: header, {@code opts}, and {@code len} bytes of {@code data} from
   * {@code index}. A segment of more than {@code c}'s send MSS is a super-segment, which the device
   * cuts into segments of that MSS (the caller sends one only when {@link #segmentationBytes()}
   * allows).
   */
  void emit(TcpConnection c, int seq, int ack, int flags, int window, TcpOptions opts, ByteBuf data, int index,
      int len, long now) {
    send(c.localAddress, c.remoteAddress, c.localPort, c.remotePort, seq, ack, flags, window, opts, data, index,
        len, len > c.sendMss ? c.sendMss : 0, now);
  }

  /**
   * Builds and sends one segment. Its checksum is left partial (the folded pseudo-header sum,
   * Linux's {@code CHECKSUM_PARTIAL}) when the device fills checksums in, and complete otherwise.
   */
  private void send(int src, int dst, int sport, int dport, int seq, int ack, int flags, int window,
      TcpOptions opts, ByteBuf data, int index, int len, int segmentBytes, long now) {
    int optLen = opts == null ? 0 : opts.length();
    int hl = TcpPacket.MIN_HEADER_LENGTH + optLen;
    int room = ip.headroom();
    ByteBuf b = alloc.directBuffer(room + hl + len);
    b.setIndex(room, room + hl + len);
    if (optLen > 0) {
      opts.write(b, room + TcpPacket.MIN_HEADER_LENGTH);
    }
    if (len > 0) {
      b.setBytes(room + hl, data, index, len);
    }
    boolean partial = ip.offloads().txChecksum();
    TcpPacket.emitHeader(b, room, sport, dport, seq, ack, hl, flags, window, 0, hl + len, src, dst, partial);
    counters.increment(TcpCounter.TX_SEGMENTS);
    int tx = segmentBytes > 0 ? Tx.segmented(segmentBytes) : partial ? Tx.CHECKSUM_PARTIAL : 0;
    ip.send(cache.ipv4(dst), Ip.PROTOCOL_TCP, b, Ip.DONT_FRAGMENT, tx, now);
  }

  /** Sends a RST (with ACK when {@code withAck}) from our {@code localPort}. */
  void sendReset(int remoteAddress, int remotePort, int localPort, int seq, int ack, boolean withAck, long now) {
    counters.increment(TcpCounter.TX_RST);
    int src = ip.sourceFor(cache.ipv4(remoteAddress)).toInt();
    send(src, remoteAddress, localPort, remotePort, seq, withAck ? ack : 0, withAck ? RST | ACK : RST, 0, null,
        null, 0, 0, 0, now);
  }

  // ---------------------------------------------------------------- listeners

  /**
   * A listening port (RFC 9293 LISTEN) with its queues: half-open connections (a count; they live
   * in the connection table), established ones not yet accepted ({@link #ready}), and accepts
   * waiting for one ({@link #waiting}, the loop's only).
   *
   * <p>{@link #ready} is shared with the application's threads (accept-ahead): the loop adds each
   * connection whose handshake completed while no accept waits, and any thread takes one with
   * {@link #tryAccept} without crossing to the loop; an accept that finds none crosses and waits in
   * {@link #waiting}. Only the loop adds, and it looks at the queue again when the crossing
   * arrives, so no connection is added unseen while an accept waits.
   */
  public final class Listener {
    final int port;
    int halfOpen;
    /** Established, not accepted: the loop adds, any thread takes. */
    final ConcurrentLinkedQueue<TcpConnection> ready = new ConcurrentLinkedQueue<>();
    /** {@link #ready}'s length for the backlog check ({@code size()} would walk the queue). */
    final AtomicInteger readyCount = new AtomicInteger();
    final ArrayDeque<CompletableFuture<TcpConnection>> waiting = new ArrayDeque<>();
    boolean closed;

    Listener(int port) {
      this.port = port;
    }

    public int port() {
      return port;
    }

    /**
     * Any thread: the next established connection not yet accepted, or {@code null} when there
     * is none now (then {@link #accept} on the loop waits for one).
     */
    public TcpConnection tryAccept() {
      TcpConnection c = ready.poll();
      if (c != null) {
        readyCount.decrementAndGet();
      }
      return c;
    }

    /** Loop: completes {@code result} with the next established connection. */
    public void accept(CompletableFuture<TcpConnection> result) {
      TcpConnection c = tryAccept();
      if (c != null) {
        result.complete(c);
      } else if (closed) {
        result.completeExceptionally(new IOException("listener on port " + port + " is closed"));
      } else {
        waiting.add(result);
      }
    }

    /** Stops listening; connections not yet accepted are reset. */
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (listeners.get(port) == this) {
        listeners.remove(port);
      }
      CompletableFuture<TcpConnection> w;
      while ((w = waiting.poll()) != null) {
        w.completeExceptionally(new IOException("listener on port " + port + " is closed"));
      }
      TcpConnection c;
      while ((c = tryAccept()) != null) { // an accept on another thread may take one first: it is accepted
        c.releaseUnread();
        c.abort(lastNow);
      }
    }
  }
}
