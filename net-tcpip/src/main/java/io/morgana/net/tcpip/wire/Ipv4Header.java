package io.morgana.net.tcpip.wire;

import io.morgana.api.Ipv4Address;
import io.netty.buffer.ByteBuf;

/**
 * An IPv4 header (RFC 791 §3.1) as a value. The checksum is not a component: {@link #parse}
 * verifies it and {@link #emit} computes it. Options are not kept: a header parsed with options
 * records their length in {@code headerLength}, and {@link #emit} writes that many bytes with the
 * options area zero (End of Option List).
 *
 * @param typeOfService the DSCP/ECN byte
 * @param totalLength header plus payload bytes
 * @param fragmentOffset in bytes, a multiple of 8
 * @param headerLength 20..60, a multiple of 4
 */
public record Ipv4Header(
    int typeOfService,
    int totalLength,
    int identification,
    boolean dontFragment,
    boolean moreFragments,
    int fragmentOffset,
    int timeToLive,
    int protocol,
    Ipv4Address source,
    Ipv4Address destination,
    int headerLength) {

  public Ipv4Header {
    if ((typeOfService & ~0xff) != 0 || (timeToLive & ~0xff) != 0 || (protocol & ~0xff) != 0) {
      throw new IllegalArgumentException("TOS, TTL and protocol are bytes");
    }
    if ((identification & ~0xffff) != 0) {
      throw new IllegalArgumentException("identification must be 0..0xffff");
    }
    if (headerLength < Ipv4Packet.MIN_HEADER_LENGTH || headerLength > Ipv4Packet.MAX_HEADER_LENGTH
        || headerLength % 4 != 0) {
      throw new IllegalArgumentException("header length must be 20..60 in steps of 4, got " + headerLength);
    }
    if (totalLength < headerLength || totalLength > Ipv4Packet.MAX_TOTAL_LENGTH) {
      throw new IllegalArgumentException("total length must be header length..65535, got " + totalLength);
    }
    if (fragmentOffset < 0 || fragmentOffset % 8 != 0 || fragmentOffset / 8 > Ipv4Packet.OFFSET_MASK) {
      throw new IllegalArgumentException("fragment offset must be a multiple of 8 below 65536, got " + fragmentOffset);
    }
    if (source == null || destination == null) {
      throw new IllegalArgumentException("addresses must not be null");
    }
  }

  /** A header without options. */
  public static Ipv4Header of(
      int totalLength, int identification, boolean dontFragment, int timeToLive, int protocol,
      Ipv4Address source, Ipv4Address destination) {
    return new Ipv4Header(0, totalLength, identification, dontFragment, false, 0, timeToLive, protocol,
        source, destination, Ipv4Packet.MIN_HEADER_LENGTH);
  }

  /** Parses and validates (checksum included) the datagram in {@code buf}'s readable bytes. */
  public static Ipv4Header parse(ByteBuf buf) throws MalformedPacketException {
    Ipv4Packet p = new Ipv4Packet().wrap(buf, buf.readerIndex(), buf.readableBytes()).check(true);
    return new Ipv4Header(p.typeOfService(), p.totalLength(), p.identification(), p.dontFragment(),
        p.moreFragments(), p.fragmentOffset(), p.timeToLive(), p.protocol(),
        Ipv4Address.of(p.source()), Ipv4Address.of(p.destination()), p.headerLength());
  }

  /** Writes {@link #headerLength()} bytes at absolute {@code index}, checksum included. */
  public void emit(ByteBuf buf, int index) {
    int flags = (dontFragment ? Ipv4Packet.FLAG_DF : 0) | (moreFragments ? Ipv4Packet.FLAG_MF : 0)
        | (fragmentOffset / 8);
    Ipv4Packet.emitHeader(buf, index, typeOfService, totalLength, identification, flags, timeToLive,
        protocol, source.toInt(), destination.toInt());
    if (headerLength > Ipv4Packet.MIN_HEADER_LENGTH) {
      buf.setByte(index + Ipv4Packet.VERSION_IHL_OFFSET, 0x40 | (headerLength / 4));
      buf.setZero(index + Ipv4Packet.MIN_HEADER_LENGTH, headerLength - Ipv4Packet.MIN_HEADER_LENGTH);
      new Ipv4Packet().wrap(buf, index, headerLength).updateChecksum();
    }
  }

  /** Bytes this header takes. */
  public int length() {
    return headerLength;
  }
}
