package io.morgana.net.tcpip.wire;

import io.morgana.api.Ipv4Address;
import io.netty.buffer.ByteBuf;

/**
 * A UDP header (RFC 768) as a value. The checksum needs the IPv4 pseudo-header, so {@link
 * #parse} and {@link #emit} take the addresses.
 *
 * @param length header plus data bytes, 8..65535
 */
public record UdpHeader(int sourcePort, int destinationPort, int length) {

  public static final int LENGTH = UdpPacket.HEADER_LENGTH;

  public UdpHeader {
    if ((sourcePort & ~0xffff) != 0 || (destinationPort & ~0xffff) != 0) {
      throw new IllegalArgumentException("ports must be 0..65535");
    }
    if (length < LENGTH || length > 0xffff) {
      throw new IllegalArgumentException("length must be 8..65535, got " + length);
    }
  }

  /**
   * Parses the datagram in {@code buf}'s readable bytes, verifying its checksum (unless zero)
   * against the pseudo-header of {@code source} and {@code destination}.
   */
  public static UdpHeader parse(ByteBuf buf, Ipv4Address source, Ipv4Address destination)
      throws MalformedPacketException {
    UdpPacket p = new UdpPacket().wrap(buf, buf.readerIndex(), buf.readableBytes()).check()
        .verifyChecksum(source.toInt(), destination.toInt());
    return new UdpHeader(p.sourcePort(), p.destinationPort(), p.length());
  }

  /**
   * Writes the header at absolute {@code index}; the {@code length - 8} data bytes must already
   * follow it. A computed checksum of 0 is written as 0xffff.
   */
  public void emit(ByteBuf buf, int index, Ipv4Address source, Ipv4Address destination) {
    UdpPacket.emitHeader(buf, index, sourcePort, destinationPort, length, source.toInt(), destination.toInt());
  }
}
