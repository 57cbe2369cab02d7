package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over a UDP datagram (RFC 768).
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |                 |                 |
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * +---------------- ...
 * </pre>
 *
 * The checksum covers the IPv4 pseudo-header (source, destination, zero, protocol 17, UDP
 * length), the header and the data; a transmitted 0 means "no checksum", so a computed 0 is sent
 * as 0xffff.
 */
public final class UdpPacket {

  public static final int SOURCE_PORT_OFFSET = 0;
  public static final int DESTINATION_PORT_OFFSET = 2;
  public static final int LENGTH_OFFSET = 4;
  public static final int CHECKSUM_OFFSET = 6;
  public static final int HEADER_LENGTH = 8;
  /** IP protocol number. */
  public static final int PROTOCOL = 17;

  private ByteBuf buf;
  private int offset;
  private int available;

  public UdpPacket wrap(ByteBuf buf, int offset, int available) {
    this.buf = buf;
    this.offset = offset;
    this.available = available;
    return this;
  }

  /**
   * Checks the header is present and the length field is 8..available.
   *
   * @throws MalformedPacketException TRUNCATED or BAD_LENGTH
   */
  public UdpPacket check() throws MalformedPacketException {
    checkPorts();
    int len = length();
    if (len < HEADER_LENGTH || len > available) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_LENGTH);
    }
    return this;
  }

  /** Checks only that the ports are present: the 8 bytes quoted in an ICMP error. */
  public UdpPacket checkPorts() throws MalformedPacketException {
    if (available < HEADER_LENGTH || offset < 0 || offset + available > buf.capacity()) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.TRUNCATED);
    }
    return this;
  }

  /**
   * Verifies the checksum against the pseudo-header of {@code source} and {@code destination}
   * (after {@link #check}); a zero checksum field means none was sent and passes.
   *
   * @throws MalformedPacketException BAD_CHECKSUM
   */
  public UdpPacket verifyChecksum(int source, int destination) throws MalformedPacketException {
    if (checksum() == 0) {
      return this;
    }
    int len = length();
    long sum = Checksum.sum(buf, offset, len, Checksum.pseudoHeader(source, destination, PROTOCOL, len));
    if (!Checksum.verifies(sum)) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_CHECKSUM);
    }
    return this;
  }

  public int sourcePort() {
    return buf.getUnsignedShort(offset + SOURCE_PORT_OFFSET);
  }

  public int destinationPort() {
    return buf.getUnsignedShort(offset + DESTINATION_PORT_OFFSET);
  }

  public int length() {
    return buf.getUnsignedShort(offset + LENGTH_OFFSET);
  }

  public int checksum() {
    return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
  }

  public int payloadOffset() {
    return offset + HEADER_LENGTH;
  }

  public int payloadLength() {
    return length() - HEADER_LENGTH;
  }

  /**
   * Writes the header at absolute {@code index} with its checksum over the pseudo-header and the
   * {@code length} bytes starting there (the data must already follow the header).
   */
  public static void emitHeader(
      ByteBuf buf, int index, int sourcePort, int destinationPort, int length, int source, int destination) {
    emitHeader(buf, index, sourcePort, destinationPort, length, source, destination, false);
  }

  /**
   * As the other {@code emitHeader}; with {@code partialChecksum} the checksum field gets only the
   * folded (not complemented) pseudo-header sum, never 0, for a device that completes it (Linux's
   * {@code CHECKSUM_PARTIAL}), and the payload is not read.
   */
  public static void emitHeader(
      ByteBuf buf, int index, int sourcePort, int destinationPort, int length, int source, int destination,
      boolean partialChecksum) {
    buf.setShort(index + SOURCE_PORT_OFFSET, sourcePort);
    buf.setShort(index + DESTINATION_PORT_OFFSET, destinationPort);
    buf.setShort(index + LENGTH_OFFSET, length);
    if (partialChecksum) {
      buf.setShort(index + CHECKSUM_OFFSET, Checksum.fold(Checksum.pseudoHeader(source, destination, PROTOCOL, length)));
      return;
    }
    buf.setShort(index + CHECKSUM_OFFSET, 0);
    int sum = Checksum.finish(
        Checksum.sum(buf, index, length, Checksum.pseudoHeader(source, destination, PROTOCOL, length)));
    buf.setShort(index + CHECKSUM_OFFSET, sum == 0 ? 0xffff : sum);
  }
}
