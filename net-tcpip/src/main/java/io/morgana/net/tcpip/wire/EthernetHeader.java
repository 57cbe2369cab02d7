package io.morgana.net.tcpip.wire;

import io.morgana.api.MacAddress;
import io.netty.buffer.ByteBuf;

/**
 * An Ethernet II header (RFC 894) as a value.
 *
 * @param destination the destination address
 * @param source the source address
 * @param etherType the EtherType, 0..0xffff
 */
public record EthernetHeader(MacAddress destination, MacAddress source, int etherType) {

  public static final int LENGTH = EthernetFrame.HEADER_LENGTH;

  public EthernetHeader {
    if (destination == null || source == null) {
      throw new IllegalArgumentException("addresses must not be null");
    }
    if ((etherType & ~0xffff) != 0) {
      throw new IllegalArgumentException("etherType must be 0..0xffff, got " + etherType);
    }
  }

  /**
   * Parses the header at the start of {@code buf}'s readable bytes. Length frames and VLAN tags
   * parse (they are well formed); the stack drops them.
   *
   * @throws MalformedPacketException if fewer than 14 bytes are readable
   */
  public static EthernetHeader parse(ByteBuf buf) throws MalformedPacketException {
    EthernetFrame f = new EthernetFrame().wrap(buf, buf.readerIndex(), buf.readableBytes()).check();
    return new EthernetHeader(MacAddress.of(f.destination()), MacAddress.of(f.source()), f.etherType());
  }

  /** Writes the header at absolute {@code index} of {@code buf}. */
  public void emit(ByteBuf buf, int index) {
    EthernetFrame.emitHeader(buf, index, destination.toLong(), source.toLong(), etherType);
  }

  /** Bytes this header takes: 14. */
  public int length() {
    return LENGTH;
  }
}
