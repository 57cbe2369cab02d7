package io.morgana.net.tcpip.ipv4;

import io.morgana.api.Ethernet;
import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.Counter;
import io.morgana.net.tcpip.arp.ArpLayer;
import io.morgana.net.tcpip.ethernet.EthernetLayer;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.internal.Counters;
import io.morgana.net.tcpip.wire.EthernetFrame;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.Optional;

/**
 * IPv4 (RFC 791, RFC 1122 §3.2.1, §3.3) over {@link EthernetLayer} and {@link ArpLayer}.
 *
 * <p><b>Receive:</b> validates version, IHL, total length and header checksum (unless the device
 * verified it), skips options, drops datagrams from a source that is not a single host
 * (broadcast, our directed broadcast, multicast, class E: RFC 1122 §3.2.1.3) and datagrams from
 * the wire with a 127/8 source or destination (RFC 1122 §3.2.1.3 (g): never outside a host),
 * accepts datagrams to our address, to the limited broadcast and to our network's
 * directed broadcast (before an address is configured: to any unicast address and the limited
 * broadcast, so that a DHCP client can be configured), reassembles fragments ({@link
 * Reassembler}) and hands each datagram to the {@link ProtocolHandler} of its protocol; an
 * unknown protocol gets ICMP protocol unreachable.
 *
 * <p><b>Send:</b> the destination is on-link (our prefix), reached through the gateway, or a
 * broadcast (limited, or our directed broadcast: Ethernet broadcast, no ARP). A datagram larger
 * than the MTU is fragmented unless {@link Ip#DONT_FRAGMENT} is given, in which case it is
 * refused ({@code write} returns false) and counted as {@link
 * Counter#IPV4_TX_DROP_FRAGMENTATION_NEEDED}: we forward nothing, so the only sender to tell is
 * the caller. A datagram to 127/8 is refused and counted ({@link Counter#IPV4_TX_DROP_LOOPBACK}):
 * it must never be routed to the gateway or appear on the wire (RFC 1122 §3.2.1.3 (g)). Payloads with {@link #HEADROOM} bytes in front get their headers in place.
 *
 * <p>{@link #write} and {@link #configure} may be called from any thread (handed to the loop);
 * everything else on the loop thread.
 */
public final class Ipv4Layer implements Ip {

  /** TTL of datagrams we send (RFC 1700's recommended default). */
  public static final int DEFAULT_TTL = 64;
  /** Headroom for an IPv4 header and the Ethernet header under it. */
  public static final int HEADROOM = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;

  private final EventLoop loop;
  private final EthernetLayer ethernet;
  private final ArpLayer arp;
  private final Counters counters;
  private final AddressCache cache;
  private final ByteBufAllocator alloc;
  private final boolean verifyChecksum;
  private final Reassembler reassembler;
  private final ProtocolHandler[] protocols = new ProtocolHandler[256];
  private final Ipv4Packet rx = new Ipv4Packet();
  private final Ipv4Packet rxWhole = new Ipv4Packet();
  /**
   * Address and gateway, replaced together so that a reader on the loop never pairs a new
   * address with an old gateway while another thread runs {@link #configure}.
   */
  private record Routing(Ipv4Cidr address, Ipv4Address gateway) {}

  private volatile Routing routing = new Routing(null, null);
  private IcmpErrorSender errors;
  private int nextIdentification;
  /**
   * Whether the datagram being processed came in a link-layer broadcast frame (for a reassembled
   * datagram: any of its fragments did); RFC 1122 §3.2.2 forbids ICMP errors about those.
   */
  private boolean linkBroadcast;

  public Ipv4Layer(
      EventLoop loop, EthernetLayer ethernet, ArpLayer arp, Counters counters, AddressCache cache,
      ByteBufAllocator alloc, boolean verifyChecksum) {
    this.loop = loop;
    this.ethernet = ethernet;
    this.arp = arp;
    this.counters = counters;
    this.cache = cache;
    this.alloc = alloc;
    this.verifyChecksum = verifyChecksum;
    this.reassembler = new Reassembler(counters, alloc, this::reassemblyTimedOut);
  }

  /** Sets where ICMP errors about received datagrams go. */
  public void setErrorSender(IcmpErrorSender errors) {
    this.errors = errors;
  }

  /** Attaches a transport of the stack to {@code protocol}, replacing an earlier handler. */
  public void attach(int protocol, ProtocolHandler handler) {
    protocols[protocol & 0xff] = handler;
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
    Runnable announce = () -> {
      cache.remember(address.address()); // the cache is loop-thread state
      arp.setAddresses(List.of(address.address()), loop.nowNanos());
    };
    if (loop.inLoop()) {
      announce.run();
    } else {
      loop.execute(announce);
    }
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

  @Override
  public void listen(int protocol, IpHandler handler) {
    attach(protocol, (h, payload, now) ->
        handler.onDatagram(cache.ipv4(h.source()), cache.ipv4(h.destination()), payload));
  }

  // ---------------------------------------------------------------- receive

  /** The {@link Ethernet.EthernetHandler} for IPv4; {@code payload} is borrowed. */
  public void receive(MacAddress source, MacAddress destination, ByteBuf payload, long now) {
    linkBroadcast = destination.isMulticast(); // the group bit: broadcast included
    try {
      receiveDatagram(payload, now);
    } finally {
      linkBroadcast = false;
    }
  }

  private void receiveDatagram(ByteBuf payload, long now) {
    counters.increment(Counter.IPV4_RX_DATAGRAMS);
    Ipv4Packet h = rx;
    try {
      h.wrap(payload, payload.readerIndex(), payload.readableBytes()).check(verifyChecksum);
    } catch (MalformedPacketException e) {
      counters.increment(switch (e.reason()) {
        case BAD_VERSION -> Counter.IPV4_RX_DROP_BAD_VERSION;
        case BAD_HEADER_LENGTH -> Counter.IPV4_RX_DROP_BAD_HEADER_LENGTH;
        case BAD_LENGTH -> Counter.IPV4_RX_DROP_BAD_TOTAL_LENGTH;
        case BAD_CHECKSUM -> Counter.IPV4_RX_DROP_BAD_CHECKSUM;
        default -> Counter.IPV4_RX_DROP_TRUNCATED;
      });
      return;
    }
    int src = h.source();
    int dst = h.destination();
    Ipv4Cidr c = routing.address();
    // RFC 1122 §3.2.1.3: a source that names no single host is invalid and silently discarded.
    if ((src >>> 28) >= 0xe || isDirectedBroadcast(c, src)) {
      counters.increment(Counter.IPV4_RX_DROP_BAD_SOURCE);
      return;
    }
    // RFC 1122 §3.2.1.3 (g): 127/8 "MUST NOT appear outside a host". Our own datagrams to
    // ourselves (sendToSelf) carry our configured address, never 127/8.
    if ((src >>> 24) == 127 || (dst >>> 24) == 127) {
      counters.increment(Counter.IPV4_RX_DROP_LOOPBACK);
      return;
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
      counters.increment(Counter.IPV4_RX_DROP_NOT_FOR_US);
      return;
    }
    if (h.isFragment()) {
      counters.increment(Counter.IPV4_RX_FRAGMENTS);
      ByteBuf whole = reassembler.add(h, linkBroadcast, now);
      if (whole == null) {
        return;
      }
      linkBroadcast = reassembler.completedLinkBroadcast();
      try {
        rxWhole.wrap(whole, whole.readerIndex(), whole.readableBytes());
        deliver(rxWhole, whole, now);
      } finally {
        whole.release();
      }
      return;
    }
    deliver(h, payload, now);
  }

  private void deliver(Ipv4Packet h, ByteBuf buf, long now) {
    int start = h.payloadOffset();
    buf.setIndex(start, start + h.payloadLength());
    ProtocolHandler p = protocols[h.protocol()];
    if (p == null) {
      counters.increment(Counter.IPV4_RX_DROP_UNKNOWN_PROTOCOL);
      if (errors != null) {
        errors.sendError(IcmpPacket.TYPE_DESTINATION_UNREACHABLE, IcmpPacket.CODE_PROTOCOL_UNREACHABLE, 0, h, now);
      }
      return;
    }
    p.receive(h, buf, now);
  }

  /** Whether {@code address} is one we receive unicast datagrams for. */
  public boolean isOurUnicast(int address) {
    Ipv4Cidr c = routing.address();
    return c != null && c.address().toInt() == address;
  }

  /**
   * Whether the datagram being received (on the loop thread, during a {@link ProtocolHandler}
   * call or a reassembly timeout) arrived as a link-layer broadcast or multicast: RFC 1122
   * §3.2.2 forbids ICMP errors about it.
   */
  public boolean receivedAsLinkBroadcast() {
    return linkBroadcast;
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
    if (errors != null) {
      linkBroadcast = anyLinkBroadcast;
      try {
        errors.sendError(IcmpPacket.TYPE_TIME_EXCEEDED, IcmpPacket.CODE_REASSEMBLY_TIME_EXCEEDED, 0, firstFragment, now);
      } finally {
        linkBroadcast = false;
      }
    }
  }

  // ---------------------------------------------------------------- send

  @Override
  public boolean write(Ipv4Address destination, int protocol, ByteBuf payload, int flags) {
    if (!loop.inLoop()) {
      // Refusals that need no loop state are answered at once, so the caller learns of them.
      int total = payload.readableBytes() + Ipv4Packet.MIN_HEADER_LENGTH;
      if (total > Ipv4Packet.MAX_TOTAL_LENGTH) {
        return refuseOffLoop(payload, Counter.IPV4_TX_DROP_TOO_BIG);
      }
      if ((flags & DONT_FRAGMENT) != 0 && total > ethernet.mtu()) {
        return refuseOffLoop(payload, Counter.IPV4_TX_DROP_FRAGMENTATION_NEEDED);
      }
      if (refusedOffLoopAsLoopback(destination, payload)) {
        return false;
      }
      loop.execute(() -> send(destination, protocol, payload, flags, loop.nowNanos()));
      return true;
    }
    return send(destination, protocol, payload, flags, loop.nowNanos());
  }

  /**
   * Sends on the loop thread at {@code now}; see {@link #write(Ipv4Address, int, ByteBuf, int)}.
   * Takes ownership of {@code payload}.
   */
  public boolean send(Ipv4Address destination, int protocol, ByteBuf payload, int flags, long now) {
    int len = payload.readableBytes();
    if (len + Ipv4Packet.MIN_HEADER_LENGTH > Ipv4Packet.MAX_TOTAL_LENGTH) {
      return refuse(payload, Counter.IPV4_TX_DROP_TOO_BIG);
    }
    Routing r = routing;
    Ipv4Cidr c = r.address();
    int dst = destination.toInt();
    if ((dst >>> 24) == 127) {
      return refuse(payload, Counter.IPV4_TX_DROP_LOOPBACK);
    }
    int src;
    Ipv4Address nextHop = null; // null: link broadcast
    if (c == null) {
      if (dst != -1) {
        return refuse(payload, Counter.IPV4_TX_DROP_UNCONFIGURED);
      }
      src = 0;
    } else {
      src = c.address().toInt();
      if (isBroadcast(dst)) {
        nextHop = null;
      } else if (destination.isMulticast() || dst == 0) {
        return refuse(payload, Counter.IPV4_TX_DROP_NO_ROUTE);
      } else if (c.contains(destination)) {
        nextHop = destination;
      } else if (r.gateway() != null) {
        nextHop = r.gateway();
      } else {
        return refuse(payload, Counter.IPV4_TX_DROP_NO_ROUTE);
      }
    }
    if (c != null && dst == src) {
      return sendToSelf(payload, protocol, src);
    }
    int mtu = ethernet.mtu();
    int id = nextIdentification++ & 0xffff;
    boolean df = (flags & DONT_FRAGMENT) != 0;
    if (len + Ipv4Packet.MIN_HEADER_LENGTH <= mtu) {
      counters.increment(Counter.IPV4_TX_DATAGRAMS);
      ByteBuf d = Buffers.prepend(payload, Ipv4Packet.MIN_HEADER_LENGTH, EthernetFrame.HEADER_LENGTH, alloc);
      Ipv4Packet.emitHeader(d, d.readerIndex(), 0, len + Ipv4Packet.MIN_HEADER_LENGTH, id,
          df ? Ipv4Packet.FLAG_DF : 0, DEFAULT_TTL, protocol, src, dst);
      return link(nextHop, d, now);
    }
    if (df) {
      return refuse(payload, Counter.IPV4_TX_DROP_FRAGMENTATION_NEEDED);
    }
    counters.increment(Counter.IPV4_TX_DATAGRAMS);
    int maxData = ((mtu - Ipv4Packet.MIN_HEADER_LENGTH) / 8) * 8;
    if (maxData < 8) {
      // An MTU below 28 bytes (RFC 791 requires 68) cannot carry a fragment: refuse rather than loop.
      return refuse(payload, Counter.IPV4_TX_DROP_FRAGMENTATION_NEEDED);
    }
    boolean ok = true;
    try {
      int reader = payload.readerIndex();
      for (int off = 0; off < len; off += maxData) {
        int n = Math.min(maxData, len - off);
        boolean more = off + n < len;
        ByteBuf f = alloc.directBuffer(HEADROOM + n);
        f.setIndex(HEADROOM, HEADROOM);
        f.writeBytes(payload, reader + off, n);
        f.readerIndex(EthernetFrame.HEADER_LENGTH);
        Ipv4Packet.emitHeader(f, EthernetFrame.HEADER_LENGTH, 0, n + Ipv4Packet.MIN_HEADER_LENGTH, id,
            (more ? Ipv4Packet.FLAG_MF : 0) | (off / 8), DEFAULT_TTL, protocol, src, dst);
        counters.increment(Counter.IPV4_TX_FRAGMENTS);
        ok &= link(nextHop, f, now);
      }
    } finally {
      payload.release();
    }
    return ok;
  }

  /**
   * A datagram to our own address never reaches the wire: it is received as a whole datagram in a
   * later loop task (not re-entrantly), with no MTU and no fragmentation.
   */
  private boolean sendToSelf(ByteBuf payload, int protocol, int self) {
    int len = payload.readableBytes();
    ByteBuf d = Buffers.prepend(payload, Ipv4Packet.MIN_HEADER_LENGTH, EthernetFrame.HEADER_LENGTH, alloc);
    Ipv4Packet.emitHeader(d, d.readerIndex(), 0, len + Ipv4Packet.MIN_HEADER_LENGTH,
        nextIdentification++ & 0xffff, 0, DEFAULT_TTL, protocol, self, self);
    counters.increment(Counter.IPV4_TX_DATAGRAMS);
    loop.execute(() -> {
      try {
        receive(ethernet.mac(), ethernet.mac(), d, loop.nowNanos());
      } finally {
        d.release();
      }
    });
    return true;
  }

  private boolean link(Ipv4Address nextHop, ByteBuf datagram, long now) {
    if (nextHop == null) {
      return ethernet.write(MacAddress.BROADCAST.toLong(), Ethernet.TYPE_IPV4, datagram);
    }
    return arp.send(nextHop, datagram, now);
  }

  /**
   * For the any-thread {@code write} methods of the transports: refuses (releases {@code payload},
   * counts on the loop, returns true) a datagram to 127/8, which {@link #send} would refuse
   * anyway, so that the caller learns of it at once.
   */
  public boolean refusedOffLoopAsLoopback(Ipv4Address destination, ByteBuf payload) {
    if ((destination.toInt() >>> 24) != 127) {
      return false;
    }
    refuseOffLoop(payload, Counter.IPV4_TX_DROP_LOOPBACK);
    return true;
  }

  private boolean refuseOffLoop(ByteBuf payload, Counter why) {
    payload.release();
    loop.execute(() -> counters.increment(why));
    return false;
  }

  private boolean refuse(ByteBuf payload, Counter why) {
    payload.release();
    counters.increment(why);
    return false;
  }

  // ---------------------------------------------------------------- time

  /** Expires reassembly in progress. */
  public boolean poll(long now) {
    return reassembler.poll(now);
  }

  public long nextDeadlineNanos() {
    return reassembler.nextDeadlineNanos();
  }

  /** Number of datagrams being reassembled. */
  public int reassembliesInProgress() {
    return reassembler.inProgress();
  }

  /** Releases reassembly buffers. */
  public void close() {
    reassembler.close();
  }
}
