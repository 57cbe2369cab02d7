package io.morgana.net.tcpip.icmp;

import io.morgana.api.Icmp;
import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.Counter;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.internal.Counters;
import io.morgana.net.tcpip.ipv4.IcmpErrorSender;
import io.morgana.net.tcpip.ipv4.Ipv4Layer;
import io.morgana.net.tcpip.ipv4.ProtocolHandler;
import io.morgana.net.tcpip.wire.Checksum;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;

/**
 * ICMPv4 (RFC 792, RFC 1122 §3.2.2).
 *
 * <ul>
 *   <li>Echo requests to our unicast address are answered with the request's identifier,
 *       sequence number and data, byte for byte (reassembled requests too). Echo requests to a
 *       broadcast address are ignored (RFC 1122 §3.2.2.6 allows it) and counted.
 *   <li>Errors are generated for the layers that report them ({@link IcmpErrorSender}): with
 *       the original IP header and the first 8 bytes of its payload (RFC 792); never about an
 *       ICMP error, a datagram to a broadcast or multicast address, one that came in a link-layer
 *       broadcast frame, a non-initial fragment or a datagram from a source that is not a single
 *       host (zero, loopback, broadcast, multicast, class E: RFC 1122 §3.2.2); and at most {@link #ERROR_BURST}
 *       at once, refilled at {@link #ERRORS_PER_SECOND} per second (a token bucket on the
 *       stack's time).
 *   <li>Received errors (destination unreachable, source quench, time exceeded, parameter
 *       problem, redirect) go to the {@link IcmpErrorHandler} of the protocol of the quoted
 *       datagram; those no transport takes, and all other messages (echo replies...), go to the
 *       application's {@link IcmpHandler}.
 * </ul>
 */
public final class Icmpv4Layer implements Icmp, ProtocolHandler, IcmpErrorSender {

  public static final int ERROR_BURST = 10;
  public static final int ERRORS_PER_SECOND = 10;
  /** Payload bytes of the offending datagram quoted in an error (RFC 792: 64 bits). */
  public static final int QUOTED_PAYLOAD = 8;

  private static final int HEADROOM = Ipv4Layer.HEADROOM;

  private final EventLoop loop;
  private final Ipv4Layer ip;
  private final Counters counters;
  private final AddressCache cache;
  private final ByteBufAllocator alloc;
  private final boolean verifyChecksum;
  private final IcmpPacket rx = new IcmpPacket();
  private final IcmpPacket probe = new IcmpPacket();
  private final Ipv4Packet quoted = new Ipv4Packet();
  private final IcmpErrorHandler[] errorHandlers = new IcmpErrorHandler[256];
  private final TokenBucket errorBucket =
      new TokenBucket(ERROR_BURST, TimeUnit.SECONDS.toNanos(1) / ERRORS_PER_SECOND);
  private IcmpHandler handler;

  public Icmpv4Layer(
      EventLoop loop, Ipv4Layer ip, Counters counters, AddressCache cache, ByteBufAllocator alloc,
      boolean verifyChecksum) {
    this.loop = loop;
    this.ip = ip;
    this.counters = counters;
    this.cache = cache;
    this.alloc = alloc;
    this.verifyChecksum = verifyChecksum;
  }

  @Override
  public void listen(IcmpHandler handler) {
    this.handler = handler;
  }

  /**
   * Sends ICMP errors about datagrams of IP protocol {@code protocol} to {@code handler}: how a
   * transport (UDP here, TCP when it joins) learns of unreachable ports, hosts and
   * fragmentation needed. Replaces an earlier handler.
   */
  public void listenErrors(int protocol, IcmpErrorHandler handler) {
    errorHandlers[protocol & 0xff] = handler;
  }

  // ---------------------------------------------------------------- receive

  @Override
  public void receive(Ipv4Packet ipHeader, ByteBuf payload, long now) {
    counters.increment(Counter.ICMP_RX_MESSAGES);
    try {
      rx.wrap(payload, payload.readerIndex(), payload.readableBytes()).check(verifyChecksum);
    } catch (MalformedPacketException e) {
      counters.increment(Counter.ICMP_RX_DROP_MALFORMED);
      return;
    }
    int type = rx.type();
    if (type == IcmpPacket.TYPE_ECHO_REQUEST) {
      if (!ip.isOurUnicast(ipHeader.destination())) {
        counters.increment(Counter.ICMP_RX_DROP_BROADCAST_ECHO);
        return;
      }
      reply(ipHeader, payload, now);
      return;
    }
    if (IcmpPacket.isError(type)) {
      counters.increment(Counter.ICMP_RX_ERRORS);
      try {
        quoted.wrap(payload, rx.dataOffset(), rx.dataLength()).checkHeader();
      } catch (MalformedPacketException e) {
        counters.increment(Counter.ICMP_RX_DROP_MALFORMED);
        return;
      }
      IcmpErrorHandler h = errorHandlers[quoted.protocol()];
      if (h != null) {
        counters.increment(Counter.ICMP_RX_ERRORS_DELIVERED);
        h.onIcmpError(type, rx.code(), rx.restOfHeader(), quoted, now);
        return;
      }
    }
    IcmpHandler app = handler;
    if (app != null) {
      int code = rx.code();
      payload.setIndex(rx.bodyOffset(), rx.bodyOffset() + rx.bodyLength());
      app.onMessage(cache.ipv4(ipHeader.source()), type, code, payload);
    }
  }

  private void reply(Ipv4Packet ipHeader, ByteBuf request, long now) {
    int n = request.readableBytes();
    ByteBuf out = alloc.directBuffer(HEADROOM + n);
    out.setIndex(HEADROOM, HEADROOM);
    out.writeBytes(request, request.readerIndex(), n);
    // RFC 792: type 0, everything else as received; RFC 1624 incremental checksum update.
    int oldWord = (IcmpPacket.TYPE_ECHO_REQUEST << 8) | rx.code();
    int newWord = (IcmpPacket.TYPE_ECHO_REPLY << 8) | rx.code();
    out.setByte(HEADROOM + IcmpPacket.TYPE_OFFSET, IcmpPacket.TYPE_ECHO_REPLY);
    int sum = verifyChecksum
        ? Checksum.update(rx.checksum(), oldWord, newWord)
        : recompute(out, HEADROOM, n);
    out.setShort(HEADROOM + IcmpPacket.CHECKSUM_OFFSET, sum);
    counters.increment(Counter.ICMP_TX_ECHO_REPLIES);
    ip.send(cache.ipv4(ipHeader.source()), Ip.PROTOCOL_ICMP, out, 0, now);
  }

  private static int recompute(ByteBuf buf, int index, int length) {
    buf.setShort(index + IcmpPacket.CHECKSUM_OFFSET, 0);
    return Checksum.compute(buf, index, length);
  }

  // ---------------------------------------------------------------- errors

  @Override
  public void sendError(int type, int code, int restOfHeader, Ipv4Packet original, long now) {
    if (suppressed(original)) {
      counters.increment(Counter.ICMP_TX_ERRORS_SUPPRESSED);
      return;
    }
    if (!errorBucket.tryTake(now)) {
      counters.increment(Counter.ICMP_TX_ERRORS_RATE_LIMITED);
      return;
    }
    int src = original.source();
    int quoteLength = original.headerLength() + Math.min(QUOTED_PAYLOAD, original.availablePayloadLength());
    ByteBuf out = alloc.directBuffer(HEADROOM + IcmpPacket.HEADER_LENGTH + quoteLength);
    out.setIndex(HEADROOM, HEADROOM + IcmpPacket.HEADER_LENGTH);
    out.setInt(HEADROOM + IcmpPacket.REST_OFFSET, restOfHeader);
    original.writeQuote(out, QUOTED_PAYLOAD);
    IcmpPacket.emitHeader(out, HEADROOM, type, code, out.readableBytes());
    counters.increment(Counter.ICMP_TX_ERRORS);
    ip.send(cache.ipv4(src), Ip.PROTOCOL_ICMP, out, 0, now);
  }

  /**
   * RFC 1122 §3.2.2: "An ICMP error message MUST NOT be sent as the result of receiving: an ICMP
   * error message, or a datagram destined to an IP broadcast or IP multicast address, or a
   * datagram sent as a link-layer broadcast, or a non-initial fragment, or a datagram whose
   * source address does not define a single host -- e.g., a zero address, a loopback address, a
   * broadcast address, a multicast address, or a Class E address."
   */
  private boolean suppressed(Ipv4Packet original) {
    int dst = original.destination();
    int src = original.source();
    if (ip.isBroadcast(dst) || (dst >>> 28) == 0xe || ip.receivedAsLinkBroadcast()
        || original.fragmentOffset() != 0
        || src == 0 || (src >>> 28) >= 0xe || (src >>> 24) == 127 || ip.isBroadcast(src)) {
      return true;
    }
    if (original.protocol() == Ip.PROTOCOL_ICMP) {
      if (original.availablePayloadLength() < 1) {
        return true; // cannot tell what it was: assume the worst
      }
      probe.wrap(original.buffer(), original.payloadOffset(), original.availablePayloadLength());
      return IcmpPacket.isError(probe.type());
    }
    return false;
  }

  // ---------------------------------------------------------------- send

  @Override
  public boolean write(Ipv4Address destination, int type, int code, ByteBuf body) {
    if (!loop.inLoop()) {
      if (ip.refusedOffLoopAsLoopback(destination, body)) {
        return false;
      }
      loop.execute(() -> send(destination, type, code, body, loop.nowNanos()));
      return true;
    }
    return send(destination, type, code, body, loop.nowNanos());
  }

  /** {@link #write} on the loop thread at {@code now}. */
  public boolean send(Ipv4Address destination, int type, int code, ByteBuf body, long now) {
    ByteBuf m = Buffers.prepend(body, IcmpPacket.REST_OFFSET, HEADROOM, alloc);
    IcmpPacket.emitHeader(m, m.readerIndex(), type, code, m.readableBytes());
    counters.increment(Counter.ICMP_TX_MESSAGES);
    return ip.send(destination, Ip.PROTOCOL_ICMP, m, 0, now);
  }
}
