package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * The 8-byte ICMPv4 header (RFC 792) as a value; the checksum is verified by {@link #parse} and
 * computed by {@link #emit}.
 *
 * @param restOfHeader the four bytes after the checksum (identifier and sequence of an echo, the
 *     next-hop MTU of "fragmentation needed", zero otherwise)
 */
public record IcmpHeader(int type, int code, int restOfHeader) {

  public static final int LENGTH = IcmpPacket.HEADER_LENGTH;

  public IcmpHeader {
    if ((type & ~0xff) != 0 || (code & ~0xff) != 0) {
      throw new IllegalArgumentException("type and code are bytes");
    }
  }

  /** Parses the message in {@code buf}'s readable bytes, verifying the checksum over all of them. */
  public static IcmpHeader parse(ByteBuf buf) throws MalformedPacketException {
    IcmpPacket p = new IcmpPacket().wrap(buf, buf.readerIndex(), buf.readableBytes()).check(true);
    return new IcmpHeader(p.type(), p.code(), p.restOfHeader());
  }

  /**
   * Writes the header at absolute {@code index}; the checksum covers it and the {@code dataLength}
   * bytes that must already follow it.
   */
  public void emit(ByteBuf buf, int index, int dataLength) {
    buf.setInt(index + IcmpPacket.REST_OFFSET, restOfHeader);
    IcmpPacket.emitHeader(buf, index, type, code, LENGTH + dataLength);
  }

  public int length() {
    return LENGTH;
  }
}
