package io.morgana.net.tcpip.ipv4;

import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.internal.Rx;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds the ICMP errors IPv4 sends about datagrams it received (RFC 792, RFC 1122 §3.2.2): part
 * of the network layer, as RFC 792 says ICMP is, so that IPv4 and the transports report errors
 * downwards and nothing below calls up into the ICMP layer.
 *
 * <ul>
 *   <li>The message quotes the original IP header (options included) and the first {@link
 *       #QUOTED_PAYLOAD} bytes of its payload (RFC 792).
 *   <li>RFC 1122 §3.2.2: "An ICMP error message MUST NOT be sent as the result of receiving: an
 *       ICMP error message, or a datagram destined to an IP broadcast or IP multicast address, or
 *       a datagram sent as a link-layer broadcast, or a non-initial fragment, or a datagram whose
 *       source address does not define a single host -- e.g., a zero address, a loopback address,
 *       a broadcast address, a multicast address, or a Class E address." Counted as {@link
 *       Ipv4Counter#TX_ICMP_ERRORS_SUPPRESSED}.
 *   <li>Rate limited per destination with a global cap ({@link IcmpErrorRateLimiter}, as Linux:
 *       the types of {@code icmp_ratemask}, fragmentation needed exempt); counted as {@link
 *       Ipv4Counter#TX_ICMP_ERRORS_RATE_LIMITED}.
 * </ul>
 *
 * Loop thread only.
 */
final class IcmpErrorEmitter {

  /** Payload bytes of the offending datagram quoted in an error (RFC 792: 64 bits). */
  static final int QUOTED_PAYLOAD = 8;

  /** Answers whether an address is one of the broadcast addresses of the interface. */
  @FunctionalInterface
  interface BroadcastTest {
    boolean isBroadcast(int address);
  }

  private final ProtocolCounters<Ipv4Counter> counters;
  private final ByteBufAllocator alloc;
  private final BroadcastTest broadcasts;
  private final IcmpErrorRateLimiter limiter;
  private final int headroom;
  private final IcmpPacket probe = new IcmpPacket();

  IcmpErrorEmitter(
      ProtocolCounters<Ipv4Counter> counters, ByteBufAllocator alloc, BroadcastTest broadcasts,
      IcmpErrorRateLimiter limiter, int headroom) {
    this.counters = counters;
    this.alloc = alloc;
    this.broadcasts = broadcasts;
    this.limiter = limiter;
    this.headroom = headroom;
  }

  /**
   * The ICMP message (checksummed, with {@code headroom} bytes in front) for an error about
   * {@code original}, or null when the rules or the rate limit forbid one (counted).
   */
  ByteBuf build(int type, int code, int restOfHeader, Ipv4Packet original, int rxFlags, long now) {
    if (suppressed(original, rxFlags)) {
      counters.increment(Ipv4Counter.TX_ICMP_ERRORS_SUPPRESSED);
      return null;
    }
    if (IcmpErrorRateLimiter.isRateLimited(type, code) && !limiter.tryAcquire(original.source(), now)) {
      counters.increment(Ipv4Counter.TX_ICMP_ERRORS_RATE_LIMITED);
      return null;
    }
    int quoteLength = original.headerLength() + Math.min(QUOTED_PAYLOAD, original.availablePayloadLength());
    ByteBuf out = alloc.directBuffer(headroom + IcmpPacket.HEADER_LENGTH + quoteLength);
    out.setIndex(headroom, headroom + IcmpPacket.HEADER_LENGTH);
    out.setInt(headroom + IcmpPacket.REST_OFFSET, restOfHeader);
    original.writeQuote(out, QUOTED_PAYLOAD);
    IcmpPacket.emitHeader(out, headroom, type, code, out.readableBytes());
    counters.increment(Ipv4Counter.TX_ICMP_ERRORS);
    return out;
  }

  private boolean suppressed(Ipv4Packet original, int rxFlags) {
    int dst = original.destination();
    int src = original.source();
    if (broadcasts.isBroadcast(dst) || (dst >>> 28) == 0xe || Rx.has(rxFlags, Rx.LINK_BROADCAST)
        || original.fragmentOffset() != 0
        || src == 0 || (src >>> 28) >= 0xe || (src >>> 24) == 127 || broadcasts.isBroadcast(src)) {
      return true;
    }
    if (original.protocol() == io.morgana.api.Ip.PROTOCOL_ICMP) {
      if (original.availablePayloadLength() < 1) {
        return true; // cannot tell what it was: assume the worst
      }
      probe.wrap(original.buffer(), original.payloadOffset(), original.availablePayloadLength());
      return IcmpPacket.isError(probe.type());
    }
    return false;
  }
}
