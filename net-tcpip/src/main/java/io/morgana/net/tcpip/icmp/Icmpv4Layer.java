package io.morgana.net.tcpip.icmp;

import io.morgana.api.Icmp;
import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.internal.Rx;
import io.morgana.net.tcpip.ip.IpLayer;
import io.morgana.net.tcpip.ip.Transport;
import io.morgana.net.tcpip.wire.Checksum;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.runtime.LoopBridge;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * ICMPv4 (RFC 792, RFC 1122 §3.2.2) as a {@link Transport} over an {@link IpLayer}.
 *
 * <ul>
 *   <li>Echo requests to our unicast address are answered with the request's identifier,
 *       sequence number and data, byte for byte (reassembled requests too), in a buffer of our
 *       own. Echo requests to a broadcast address are ignored (RFC 1122 §3.2.2.6 allows it) and
 *       counted.
 *   <li>Received errors (destination unreachable, source quench, time exceeded, parameter
 *       problem, redirect) go to the {@link Transport} of the quoted datagram's protocol (RFC
 *       1122 §3.2.2.1: "the ICMP layer MUST pass the error to the transport layer"); those no
 *       transport takes, and all other messages (echo replies...), go to the application's
 *       {@link IcmpHandler}.
 *   <li>The errors the stack sends about datagrams it received are IPv4's to build ({@link
 *       IpLayer#reportError}): this layer only receives.
 * </ul>
 *
 * <p>Loop thread only, except {@link #write} (any thread, through the {@link LoopBridge}).
 */
public final class Icmpv4Layer implements Icmp, Transport {

  private final LoopBridge bridge;
  private final IpLayer ip;
  private final ProtocolCounters<IcmpCounter> counters = new ProtocolCounters<>(IcmpCounter.class);
  private final AddressCache cache;
  private final ByteBufAllocator alloc;
  private final IcmpPacket rx = new IcmpPacket();
  private final Ipv4Packet quoted = new Ipv4Packet();
  private final LoopBridge.LoopWrite<Ipv4Address, ByteBuf> sendOnLoop = this::sendPacked;
  private IcmpHandler handler;

  public Icmpv4Layer(LoopBridge bridge, IpLayer ip, AddressCache cache, ByteBufAllocator alloc) {
    this.bridge = bridge;
    this.ip = ip;
    this.cache = cache;
    this.alloc = alloc;
  }

  /** This layer's counters. */
  public ProtocolCounters<IcmpCounter> counters() {
    return counters;
  }

  @Override
  public int protocol() {
    return Ip.PROTOCOL_ICMP;
  }

  @Override
  public void listen(IcmpHandler handler) {
    this.handler = handler;
  }

  // ---------------------------------------------------------------- receive

  @Override
  public void receive(Ipv4Packet ipHeader, ByteBuf payload, int rxFlags, long now) {
    counters.increment(IcmpCounter.RX_MESSAGES);
    boolean verify = !Rx.has(rxFlags, Rx.CHECKSUM_VERIFIED);
    try {
      rx.wrap(payload, payload.readerIndex(), payload.readableBytes()).check(verify);
    } catch (MalformedPacketException e) {
      counters.increment(IcmpCounter.RX_DROP_MALFORMED);
      return;
    }
    int type = rx.type();
    if (type == IcmpPacket.TYPE_ECHO_REQUEST) {
      if (!ip.isOurUnicast(ipHeader.destination())) {
        counters.increment(IcmpCounter.RX_DROP_BROADCAST_ECHO);
        return;
      }
      reply(ipHeader, payload, verify, now);
      return;
    }
    if (IcmpPacket.isError(type)) {
      counters.increment(IcmpCounter.RX_ERRORS);
      try {
        quoted.wrap(payload, rx.dataOffset(), rx.dataLength()).checkHeader();
      } catch (MalformedPacketException e) {
        counters.increment(IcmpCounter.RX_DROP_MALFORMED);
        return;
      }
      Transport t = quoted.protocol() == Ip.PROTOCOL_ICMP ? null : ip.transport(quoted.protocol());
      if (t != null) {
        counters.increment(IcmpCounter.RX_ERRORS_DELIVERED);
        t.onIcmpError(type, rx.code(), rx.restOfHeader(), quoted, now);
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

  private void reply(Ipv4Packet ipHeader, ByteBuf request, boolean checksumVerifiedHere, long now) {
    int n = request.readableBytes();
    int headroom = ip.headroom();
    ByteBuf out = alloc.directBuffer(headroom + n);
    Buffers.copy(request, request.readerIndex(), out, headroom, n);
    out.setIndex(headroom, headroom + n);
    // RFC 792: type 0, everything else as received; RFC 1624 incremental checksum update when
    // we verified the request's checksum ourselves, a full one when only the device said so.
    int oldWord = (IcmpPacket.TYPE_ECHO_REQUEST << 8) | rx.code();
    int newWord = (IcmpPacket.TYPE_ECHO_REPLY << 8) | rx.code();
    out.setByte(headroom + IcmpPacket.TYPE_OFFSET, IcmpPacket.TYPE_ECHO_REPLY);
    int sum = checksumVerifiedHere
        ? Checksum.update(rx.checksum(), oldWord, newWord)
        : recompute(out, headroom, n);
    out.setShort(headroom + IcmpPacket.CHECKSUM_OFFSET, sum);
    counters.increment(IcmpCounter.TX_ECHO_REPLIES);
    ip.send(cache.ipv4(ipHeader.source()), Ip.PROTOCOL_ICMP, out, 0, now);
  }

  private static int recompute(ByteBuf buf, int index, int length) {
    buf.setShort(index + IcmpPacket.CHECKSUM_OFFSET, 0);
    return Checksum.compute(buf, index, length);
  }

  // ---------------------------------------------------------------- send

  @Override
  public boolean write(Ipv4Address destination, int type, int code, ByteBuf body) {
    if (ip.refusedAsLoopback(destination, body)) {
      return false;
    }
    return bridge.write(sendOnLoop, destination, ((type & 0xff) << 8) | (code & 0xff), body);
  }

  private boolean sendPacked(Ipv4Address destination, long typeAndCode, ByteBuf body, long now) {
    return send(destination, (int) (typeAndCode >>> 8) & 0xff, (int) typeAndCode & 0xff, body, now);
  }

  /** {@link #write} on the loop thread at {@code now}. Takes ownership of {@code body}. */
  public boolean send(Ipv4Address destination, int type, int code, ByteBuf body, long now) {
    ByteBuf m = Buffers.prepend(body, IcmpPacket.REST_OFFSET, ip.headroom(), alloc);
    IcmpPacket.emitHeader(m, m.readerIndex(), type, code, m.readableBytes());
    counters.increment(IcmpCounter.TX_MESSAGES);
    return ip.send(destination, Ip.PROTOCOL_ICMP, m, 0, now);
  }
}
