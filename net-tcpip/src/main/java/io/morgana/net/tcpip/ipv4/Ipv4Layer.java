package io.morgana.net.tcpip.ipv4;

import io.morgana.api.Ethernet;
import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.api.Offloads;
import io.morgana.net.tcpip.arp.ArpLayer;
import io.morgana.net.tcpip.ethernet.EthernetLayer;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.internal.Rx;
import io.morgana.net.tcpip.internal.Tx;
import io.morgana.net.tcpip.ip.IpLayer;
import io.morgana.net.tcpip.ip.Transport;
import io.morgana.net.tcpip.wire.EthernetFrame;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Options;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.runtime.Entropy;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * IPv4 (RFC 791, RFC 1122 §3.2.1, §3.3) over {@link EthernetLayer} and {@link ArpLayer}: the
 * {@link IpLayer} beneath ICMP and UDP, and the application's {@link Ip}.
 *
 * <p><b>Receive</b> (arrival time and {@link Rx} flags come with each datagram): validates version,
 * IHL, total length and header checksum (unless the device verified it); refuses sources that
 * name no single host (broadcast, our directed broadcast, multicast, class E: RFC 1122
 * §3.2.1.3), one of our own addresses as the source of a datagram from the wire (a martian:
 * nothing we send can come back to us as input), 0.0.0.0 as a source except to the limited
 * broadcast (a DHCP client's), and a 127/8 source or destination from the wire (RFC 1122
 * §3.2.1.3 (g)). Options are checked (RFC 1122 §3.2.1.8): malformed ones are answered with an
 * ICMP parameter problem pointing at the bad byte, and source-routed datagrams are dropped, as
 * Linux does by default; both counted. Accepts datagrams to our address, to the limited
 * broadcast and to our network's directed broadcast (before an address is configured: to any
 * unicast address and the limited broadcast, so that a DHCP client can be configured),
 * reassembles fragments ({@link Reassembler}, within a memory budget: {@link ReassemblyLimits})
 * and hands each datagram to the {@link Transport}
 * registered for its protocol; an unknown protocol gets ICMP protocol unreachable.
 *
 * <p><b>Send:</b> the destination is on-link (our prefix), reached through the gateway, or a
 * broadcast (limited, or our directed broadcast: Ethernet broadcast, no ARP). A datagram larger
 * than the MTU is fragmented unless {@link Ip#DONT_FRAGMENT} is given, in which case it is
 * refused and counted as {@link Ipv4Counter#TX_DROP_FRAGMENTATION_NEEDED}: we forward nothing, so
 * the only sender to tell is the caller. A datagram to 127/8 is refused and counted ({@link
 * Ipv4Counter#TX_DROP_LOOPBACK}). A TCP super-segment ({@link Tx#segmentBytes} above 0) over a
 * device that segments ({@link Offloads#maxSegmentBytes()}) is the exception: one datagram of up
 * to 65,535 bytes with Don't Fragment set, which the device cuts into segments (TSO; counted as
 * {@link Ipv4Counter#TX_SEGMENTATION_OFFLOADED}); without such a device it is refused as above, as
 * is a datagram with a partial checksum ({@link Tx#CHECKSUM_PARTIAL}) that would need fragments.
 * Transmit metadata travels to the device with the datagram, through ARP's queue when the next
 * hop is being resolved. A datagram to our own address never reaches the wire: it is
 * queued (bounded) and received on the next {@link #poll}, never re-entrantly. Headers go in
 * place only into buffers that {@link Buffers#prepend} finds exclusively ours.
 *
 * <p><b>Errors:</b> the ICMP errors about received datagrams, for this layer and the transports
 * ({@link #reportError}), are built here ({@link IcmpErrorEmitter}), rate limited per destination.
 *
 * <p>Loop thread only, except the {@link Ip} methods documented for any thread: {@link #write}
 * and {@link #configure} cross through the {@link LoopBridge}; the accessors read a volatile.
 */
public final class Ipv4Layer implements Ip, IpLayer {

  /** TTL of datagrams we send (RFC 1700's recommended default). */
  public static final int DEFAULT_TTL = 64;
  /** Headroom for an IPv4 header and the Ethernet header under it. */
  public static final int HEADROOM = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;
  /** Datagrams to our own address waiting for the next poll, at most. */
  static final int MAX_LOCAL_QUEUE = 256;

  private final LoopBridge bridge;
  private final EthernetLayer ethernet;
  private final ArpLayer arp;
  private final ProtocolCounters<Ipv4Counter> counters = new ProtocolCounters<>(Ipv4Counter.class);
  private final AddressCache cache;
  private final ByteBufAllocator alloc;
  private final Reassembler reassembler;
  private final IcmpErrorEmitter errors;
  private final Transport[] transports = new Transport[256];
  private final Ipv4Packet rx = new Ipv4Packet();
  private final Ipv4Packet rxWhole = new Ipv4Packet();
  private final ArrayDeque<ByteBuf> localQueue = new ArrayDeque<>();
  private final LoopBridge.LoopWrite<Ipv4Address, ByteBuf> sendOnLoop = this::sendPacked;

  /**
   * Address and gateway, replaced together so that a reader on the loop never pairs a new
   * address with an old gateway while another thread runs {@link #configure}.
   */
  private record Routing(Ipv4Cidr address, Ipv4Address gateway) {}

  private volatile Routing routing = new Routing(null, null);
  private int nextIdentification;
  private long lastPollNanos;

  public Ipv4Layer(
      LoopBridge bridge, EthernetLayer ethernet, ArpLayer arp, AddressCache cache, ByteBufAllocator alloc,
      ReassemblyLimits reassembly) {
    this(bridge, ethernet, arp, cache, alloc, reassembly, Entropy.secure());
  }

  /** With the hash seeds and the ICMP rate limiter's randomness drawn from {@code entropy}. */
  public Ipv4Layer(
      LoopBridge bridge, EthernetLayer ethernet, ArpLayer arp, AddressCache cache, ByteBufAllocator alloc,
      ReassemblyLimits reassembly, Entropy entropy) {
    this.bridge = bridge;
    this.ethernet = ethernet;
    this.arp = arp;
    this.cache = cache;
    this.alloc = alloc;
    this.reassembler = new Reassembler(reassembly, counters, alloc, this::reassemblyTimedOut, entropy.nextLong());
    this.errors = new IcmpErrorEmitter(counters, alloc, this::isBroadcast,
        new IcmpErrorRateLimiter(IcmpErrorRateLimiter.Limits.LINUX_DEFAULTS, entropy.nextLong(), entropy.nextLong()),
        HEADROOM);
  }

  /** This layer's counters. */
  public ProtocolCounters<Ipv4Counter> counters() {
    return counters;
  }

  // ---------------------------------------------------------------- transports

  @Override
  public int headroom() {
    return HEADROOM;
  }

  @Override
  public void register(Transport transport) {
    int p = transport.protocol() & 0xff;
    if (transports[p] != null && transports[p] != transport) {
      throw new IllegalStateException("IP protocol " + p + " already has a transport: " + transports[p]);
    }
    transports[p] = transport;
  }

  @Override
  public Transport transport(int protocol) {
    return transports[protocol & 0xff];
  }

  /**
   * {@link Ip#listen}: an application's handler for a protocol, registered as a {@link Transport}
   * like the stack's own (replacing an earlier application handler, never a stack transport).
   */
  @Override
  public void listen(int protocol, IpHandler handler) {
    int p = protocol & 0xff;
    if (transports[p] != null && !(transports[p] instanceof ApplicationProtocol)) {
      throw new IllegalStateException("IP protocol " + p + " belongs to the stack's " + transports[p]);
    }
    transports[p] = new ApplicationProtocol(p, handler, cache);
  }

  private record ApplicationProtocol(int protocol, IpHandler handler, AddressCache cache) implements Transport {
    @Override
    public void receive(Ipv4Packet header, ByteBuf payload, int rxFlags, long now) {
      handler.onDatagram(cache.ipv4(header.source()), cache.ipv4(header.destination()), payload);
    }
  }

  // ---------------------------------------------------------------- configuration

  @Override
  public Optional<Ipv4Cidr> address() {
    return Optional.ofNullable(routing.address());
  }

  @Override
  public Optional<Ipv4Address> gateway() {
    return Optional.ofNullable(routing.gateway());
  }

  @Override
  public void configure(Ipv4Cidr address, Ipv4Address gateway) {
    if (address == null) {
      throw new IllegalArgumentException("address must not be null");
    }
    routing = new Routing(address, gateway);
    bridge.post(now -> {
      cache.remember(address.address()); // the cache is loop-thread state
      arp.setAddresses(List.of(address.address()), now);
    });
  }

  /**
   * Forgets the interface address and gateway (a DHCP lease ended): the stack is unconfigured
   * again, as before {@link #configure}. Any thread.
   */
  public void deconfigure() {
    routing = new Routing(null, null);
    bridge.post(now -> arp.setAddresses(List.of(), now));
  }

  @Override
  public int mtu() {
    return ethernet.mtu() - Ipv4Packet.MIN_HEADER_LENGTH;
  }

  @Override
  public Ipv4Address sourceFor(Ipv4Address destination) {
    Ipv4Cidr c = routing.address();
    return c == null ? Ipv4Address.ANY : c.address();
  }

  // ---------------------------------------------------------------- receive

  /** The {@link EthernetLayer.Receiver} for IPv4; {@code payload} is borrowed. */
  public void receive(MacAddress source, ByteBuf payload, int rxFlags, long now) {
    counters.increment(Ipv4Counter.RX_DATAGRAMS);
    Ipv4Packet h = rx;
    try {
      h.wrap(payload, payload.readerIndex(), payload.readableBytes()).check(!Rx.has(rxFlags, Rx.CHECKSUM_VERIFIED));
    } catch (MalformedPacketException e) {
      counters.increment(switch (e.reason()) {
        case BAD_VERSION -> Ipv4Counter.RX_DROP_BAD_VERSION;
        case BAD_HEADER_LENGTH -> Ipv4Counter.RX_DROP_BAD_HEADER_LENGTH;
        case BAD_LENGTH -> Ipv4Counter.RX_DROP_BAD_TOTAL_LENGTH;
        case BAD_CHECKSUM -> Ipv4Counter.RX_DROP_BAD_CHECKSUM;
        default -> Ipv4Counter.RX_DROP_TRUNCATED;
      });
      return;
    }
    receiveDatagram(h, payload, rxFlags, now);
  }

  private void receiveDatagram(Ipv4Packet h, ByteBuf payload, int rxFlags, long now) {
    int src = h.source();
    int dst = h.destination();
    Ipv4Cidr c = routing.address();
    // RFC 1122 §3.2.1.3: a source that names no single host is invalid and silently discarded.
    if ((src >>> 28) >= 0xe || isDirectedBroadcast(c, src)) {
      counters.increment(Ipv4Counter.RX_DROP_BAD_SOURCE);
      return;
    }
    // RFC 1122 §3.2.1.3 (g): 127/8 "MUST NOT appear outside a host". Our own datagrams to
    // ourselves carry our configured address, never 127/8.
    if ((src >>> 24) == 127 || (dst >>> 24) == 127) {
      counters.increment(Ipv4Counter.RX_DROP_LOOPBACK);
      return;
    }
    if (!Rx.has(rxFlags, Rx.LOCAL)) {
      // Our own address as the source of a datagram from the wire is a spoof (Linux: a martian):
      // answering it would talk to ourselves, and an echo service would do so forever.
      if (c != null && src == c.address().toInt()) {
        counters.increment(Ipv4Counter.RX_DROP_OWN_SOURCE);
        return;
      }
      // RFC 1122 §3.2.1.3 (a): 0.0.0.0 is a source only while a host learns its address, and
      // then it broadcasts (a DHCP client); Linux refuses it to anything else.
      if (src == 0 && dst != -1) {
        counters.increment(Ipv4Counter.RX_DROP_ZERO_SOURCE);
        return;
      }
    }
    boolean accept;
    if (dst == -1) {
      accept = true;
    } else if (c == null) {
      accept = (dst >>> 28) < 0xe && dst != 0; // any unicast: not multicast, class E or 0.0.0.0
    } else {
      accept = dst == c.address().toInt() || isDirectedBroadcast(c, dst);
    }
    if (!accept) {
      counters.increment(Ipv4Counter.RX_DROP_NOT_FOR_US);
      return;
    }
    if (h.headerLength() > Ipv4Packet.MIN_HEADER_LENGTH && !optionsAccepted(h, rxFlags, now)) {
      return;
    }
    if (h.isFragment()) {
      counters.increment(Ipv4Counter.RX_FRAGMENTS);
      ByteBuf whole = reassembler.add(h, Rx.has(rxFlags, Rx.LINK_BROADCAST), now);
      if (whole == null) {
        return;
      }
      int wholeFlags = rxFlags & ~Rx.LINK_BROADCAST;
      if (reassembler.completedLinkBroadcast()) {
        wholeFlags |= Rx.LINK_BROADCAST;
      }
      try {
        rxWhole.wrap(whole, whole.readerIndex(), whole.readableBytes());
        deliver(rxWhole, whole, wholeFlags, now);
      } finally {
        whole.release();
      }
      return;
    }
    deliver(h, payload, rxFlags, now);
  }

  /**
   * RFC 1122 §3.2.1.8: options are checked; a malformed one is answered with an ICMP parameter
   * problem (RFC 792, code 0, the pointer in the first byte of the second word).
   */
  private boolean optionsAccepted(Ipv4Packet h, int rxFlags, long now) {
    int verdict = Ipv4Options.check(h);
    if (verdict == Ipv4Options.VALID) {
      return true;
    }
    if (verdict == Ipv4Options.SOURCE_ROUTED) {
      counters.increment(Ipv4Counter.RX_DROP_SOURCE_ROUTED);
      return false;
    }
    counters.increment(Ipv4Counter.RX_DROP_BAD_OPTIONS);
    reportError(IcmpPacket.TYPE_PARAMETER_PROBLEM, 0, verdict << 24, h, rxFlags, now);
    return false;
  }

  private void deliver(Ipv4Packet h, ByteBuf buf, int rxFlags, long now) {
    int start = h.payloadOffset();
    buf.setIndex(start, start + h.payloadLength());
    Transport t = transports[h.protocol()];
    if (t == null) {
      counters.increment(Ipv4Counter.RX_DROP_UNKNOWN_PROTOCOL);
      reportError(IcmpPacket.TYPE_DESTINATION_UNREACHABLE, IcmpPacket.CODE_PROTOCOL_UNREACHABLE, 0, h, rxFlags, now);
      return;
    }
    t.receive(h, buf, rxFlags, now);
  }

  @Override
  public boolean isOurUnicast(int address) {
    Ipv4Cidr c = routing.address();
    return c != null && c.address().toInt() == address;
  }

  /** Whether {@code address} is the limited broadcast or our directed broadcast. */
  public boolean isBroadcast(int address) {
    Ipv4Cidr c = routing.address();
    return address == -1 || isDirectedBroadcast(c, address);
  }

  /**
   * Whether {@code address} is the directed broadcast of network {@code c} (none on a /31 or /32:
   * RFC 3021). Computed from bits: {@link Ipv4Cidr#broadcast()} would allocate per packet.
   */
  private static boolean isDirectedBroadcast(Ipv4Cidr c, int address) {
    return c != null && c.prefixLength() < 31 && address == (c.address().toInt() | ~c.maskBits());
  }

  private void reassemblyTimedOut(Ipv4Packet firstFragment, boolean anyLinkBroadcast, long now) {
    reportError(IcmpPacket.TYPE_TIME_EXCEEDED, IcmpPacket.CODE_REASSEMBLY_TIME_EXCEEDED, 0, firstFragment,
        anyLinkBroadcast ? Rx.LINK_BROADCAST : 0, now);
  }

  @Override
  public void reportError(int type, int code, int restOfHeader, Ipv4Packet original, int rxFlags, long now) {
    if (Rx.has(rxFlags, Rx.LOCAL)) {
      return; // about our own datagram to ourselves: the sender is right here, and no one else
    }
    ByteBuf message = errors.build(type, code, restOfHeader, original, rxFlags, now);
    if (message != null) {
      send(cache.ipv4(original.source()), Ip.PROTOCOL_ICMP, message, 0, now);
    }
  }

  // ---------------------------------------------------------------- send

  /**
   * Any thread. Refusals that need no loop state are answered at once, so that the caller
   * learns of them; the rest is sent through the {@link LoopBridge}.
   */
  @Override
  public boolean write(Ipv4Address destination, int protocol, ByteBuf payload, int flags) {
    int total = payload.readableBytes() + Ipv4Packet.MIN_HEADER_LENGTH;
    if (total > Ipv4Packet.MAX_TOTAL_LENGTH) {
      return refuseFromAnyThread(payload, Ipv4Counter.TX_DROP_TOO_BIG);
    }
    if ((flags & DONT_FRAGMENT) != 0 && total > ethernet.mtu()) {
      return refuseFromAnyThread(payload, Ipv4Counter.TX_DROP_FRAGMENTATION_NEEDED);
    }
    if (refusedAsLoopback(destination, payload)) {
      return false;
    }
    return bridge.write(sendOnLoop, destination, ((long) (protocol & 0xff) << 32) | (flags & 0xffffffffL), payload);
  }

  private boolean sendPacked(Ipv4Address destination, long protocolAndFlags, ByteBuf payload, long now) {
    return send(destination, (int) (protocolAndFlags >>> 32), payload, (int) protocolAndFlags, now);
  }

  @Override
  public boolean send(Ipv4Address destination, int protocol, ByteBuf payload, int flags, long now) {
    return send(destination, protocol, payload, flags, 0, now);
  }

  @Override
  public Offloads offloads() {
    return ethernet.offloads();
  }

  @Override
  public boolean send(Ipv4Address destination, int protocol, ByteBuf payload, int flags, int tx, long now) {
    int len = payload.readableBytes();
    if (len + Ipv4Packet.MIN_HEADER_LENGTH > Ipv4Packet.MAX_TOTAL_LENGTH) {
      return refuse(payload, Ipv4Counter.TX_DROP_TOO_BIG);
    }
    Routing r = routing;
    Ipv4Cidr c = r.address();
    int dst = destination.toInt();
    if ((dst >>> 24) == 127) {
      return refuse(payload, Ipv4Counter.TX_DROP_LOOPBACK);
    }
    int src;
    Ipv4Address nextHop = null; // null: link broadcast
    if (c == null) {
      if (dst != -1) {
        return refuse(payload, Ipv4Counter.TX_DROP_UNCONFIGURED);
      }
      src = 0;
    } else {
      src = c.address().toInt();
      if (isBroadcast(dst)) {
        nextHop = null;
      } else if (destination.isMulticast() || dst == 0) {
        return refuse(payload, Ipv4Counter.TX_DROP_NO_ROUTE);
      } else if (c.contains(destination)) {
        nextHop = destination;
      } else if (r.gateway() != null) {
        nextHop = r.gateway();
      } else {
        return refuse(payload, Ipv4Counter.TX_DROP_NO_ROUTE);
      }
    }
    if (c != null && dst == src) {
      return sendToSelf(payload, protocol, src);
    }
    int mtu = ethernet.mtu();
    int id = nextIdentification++ & 0xffff;
    boolean df = (flags & DONT_FRAGMENT) != 0;
    if (len + Ipv4Packet.MIN_HEADER_LENGTH <= mtu) {
      counters.increment(Ipv4Counter.TX_DATAGRAMS);
      ByteBuf d = Buffers.prepend(payload, Ipv4Packet.MIN_HEADER_LENGTH, EthernetFrame.HEADER_LENGTH, alloc);
      Ipv4Packet.emitHeader(d, d.readerIndex(), 0, len + Ipv4Packet.MIN_HEADER_LENGTH, id,
          df ? Ipv4Packet.FLAG_DF : 0, DEFAULT_TTL, protocol, src, dst);
      return link(nextHop, d, tx, now);
    }
    if (Tx.segmentBytes(tx) > 0 && protocol == Ip.PROTOCOL_TCP && ethernet.offloads().maxSegmentBytes() > 0) {
      // A TCP super-segment: one datagram, never fragmented; the device cuts it into segments.
      counters.increment(Ipv4Counter.TX_DATAGRAMS);
      counters.increment(Ipv4Counter.TX_SEGMENTATION_OFFLOADED);
      ByteBuf d = Buffers.prepend(payload, Ipv4Packet.MIN_HEADER_LENGTH, EthernetFrame.HEADER_LENGTH, alloc);
      Ipv4Packet.emitHeader(d, d.readerIndex(), 0, len + Ipv4Packet.MIN_HEADER_LENGTH, id,
          Ipv4Packet.FLAG_DF, DEFAULT_TTL, protocol, src, dst);
      return link(nextHop, d, tx, now);
    }
    if (df || tx != 0) { // a partial checksum cannot be completed across fragments
      return refuse(payload, Ipv4Counter.TX_DROP_FRAGMENTATION_NEEDED);
    }
    counters.increment(Ipv4Counter.TX_DATAGRAMS);
    int maxData = ((mtu - Ipv4Packet.MIN_HEADER_LENGTH) / 8) * 8;
    if (maxData < 8) {
      // An MTU below 28 bytes (RFC 791 requires 68) cannot carry a fragment: refuse rather than loop.
      return refuse(payload, Ipv4Counter.TX_DROP_FRAGMENTATION_NEEDED);
    }
    boolean ok = true;
    try {
      int reader = payload.readerIndex();
      for (int off = 0; off < len; off += maxData) {
        int n = Math.min(maxData, len - off);
        boolean more = off + n < len;
        ByteBuf f = alloc.directBuffer(HEADROOM + n);
        Buffers.copy(payload, reader + off, f, HEADROOM, n);
        f.setIndex(HEADROOM, HEADROOM + n);
        f.readerIndex(EthernetFrame.HEADER_LENGTH);
        Ipv4Packet.emitHeader(f, EthernetFrame.HEADER_LENGTH, 0, n + Ipv4Packet.MIN_HEADER_LENGTH, id,
            (more ? Ipv4Packet.FLAG_MF : 0) | (off / 8), DEFAULT_TTL, protocol, src, dst);
        counters.increment(Ipv4Counter.TX_FRAGMENTS);
        ok &= link(nextHop, f, 0, now);
      }
    } finally {
      payload.release();
    }
    return ok;
  }

  /**
   * A datagram to our own address never reaches the wire: it waits in a bounded queue and is
   * received as a whole datagram at the next {@link #poll} (not re-entrantly), with no MTU and no
   * fragmentation.
   */
  private boolean sendToSelf(ByteBuf payload, int protocol, int self) {
    if (localQueue.size() >= MAX_LOCAL_QUEUE) {
      return refuse(payload, Ipv4Counter.TX_DROP_LOCAL_QUEUE_FULL);
    }
    int len = payload.readableBytes();
    ByteBuf d = Buffers.prepend(payload, Ipv4Packet.MIN_HEADER_LENGTH, EthernetFrame.HEADER_LENGTH, alloc);
    Ipv4Packet.emitHeader(d, d.readerIndex(), 0, len + Ipv4Packet.MIN_HEADER_LENGTH,
        nextIdentification++ & 0xffff, 0, DEFAULT_TTL, protocol, self, self);
    counters.increment(Ipv4Counter.TX_DATAGRAMS);
    localQueue.add(d);
    return true;
  }

  private boolean link(Ipv4Address nextHop, ByteBuf datagram, int tx, long now) {
    if (nextHop == null) {
      return ethernet.write(MacAddress.BROADCAST.toLong(), Ethernet.TYPE_IPV4, datagram, tx);
    }
    return arp.send(nextHop, datagram, tx, now);
  }

  @Override
  public boolean refusedAsLoopback(Ipv4Address destination, ByteBuf payload) {
    if ((destination.toInt() >>> 24) != 127) {
      return false;
    }
    refuseFromAnyThread(payload, Ipv4Counter.TX_DROP_LOOPBACK);
    return true;
  }

  private boolean refuseFromAnyThread(ByteBuf payload, Ipv4Counter why) {
    payload.release();
    bridge.post(() -> counters.increment(why));
    return false;
  }

  private boolean refuse(ByteBuf payload, Ipv4Counter why) {
    payload.release();
    counters.increment(why);
    return false;
  }

  // ---------------------------------------------------------------- time

  /** Delivers datagrams we sent to ourselves and expires reassembly in progress. */
  public boolean poll(long now) {
    lastPollNanos = now;
    boolean worked = false;
    for (int n = localQueue.size(); n > 0; n--) { // those queued while delivering wait a turn
      ByteBuf d = localQueue.poll();
      worked = true;
      try {
        rx.wrap(d, d.readerIndex(), d.readableBytes());
        receiveDatagram(rx, d, Rx.LOCAL | Rx.CHECKSUM_VERIFIED, now);
      } finally {
        d.release();
      }
    }
    return reassembler.poll(now) | worked;
  }

  public long nextDeadlineNanos() {
    // Datagrams to ourselves are due at once: the time of the last poll has passed already.
    return localQueue.isEmpty() ? reassembler.nextDeadlineNanos() : lastPollNanos;
  }

  /** Number of datagrams being reassembled. */
  public int reassembliesInProgress() {
    return reassembler.inProgress();
  }

  /** Releases reassembly buffers and datagrams waiting for local delivery. */
  public void close() {
    reassembler.close();
    ByteBuf d;
    while ((d = localQueue.poll()) != null) {
      d.release();
    }
  }
}
