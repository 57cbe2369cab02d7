package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over an ICMPv4 message (RFC 792).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Rest of header: echo identifier + sequence number; unused |
 * |     (or next-hop MTU, RFC 1191) for destination unreachable   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data: echo data; for errors the original IP header and    |
 * |     at least the first 8 bytes of its payload ...             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The checksum covers the whole message. The api's "body" ({@link io.morgana.api.Icmp}) starts
 * at {@link #REST_OFFSET}.
 */
public final class IcmpPacket {

  public static final int TYPE_OFFSET = 0;
  public static final int CODE_OFFSET = 1;
  public static final int CHECKSUM_OFFSET = 2;
  public static final int REST_OFFSET = 4;
  public static final int DATA_OFFSET = 8;
  public static final int HEADER_LENGTH = 8;

  public static final int TYPE_ECHO_REPLY = 0;
  public static final int TYPE_DESTINATION_UNREACHABLE = 3;
  public static final int TYPE_SOURCE_QUENCH = 4;
  public static final int TYPE_REDIRECT = 5;
  public static final int TYPE_ECHO_REQUEST = 8;
  public static final int TYPE_TIME_EXCEEDED = 11;
  public static final int TYPE_PARAMETER_PROBLEM = 12;

  public static final int CODE_PROTOCOL_UNREACHABLE = 2;
  public static final int CODE_PORT_UNREACHABLE = 3;
  public static final int CODE_FRAGMENTATION_NEEDED = 4;
  public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

  private ByteBuf buf;
  private int offset;
  private int length;

  public IcmpPacket wrap(ByteBuf buf, int offset, int length) {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    return this;
  }

  /**
   * Checks that the 8-byte header is present and, when {@code verifyChecksum}, the checksum.
   *
   * @throws MalformedPacketException TRUNCATED or BAD_CHECKSUM
   */
  public IcmpPacket check(boolean verifyChecksum) throws MalformedPacketException {
    if (length < HEADER_LENGTH || offset < 0 || offset + length > buf.capacity()) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.TRUNCATED);
    }
    if (verifyChecksum && !Checksum.verifies(Checksum.sum(buf, offset, length, 0))) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_CHECKSUM);
    }
    return this;
  }

  /** Whether {@code type} is an error message (RFC 1122 §3.2.2: never answered with an error). */
  public static boolean isError(int type) {
    return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
        || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
  }

  public int type() {
    return buf.getUnsignedByte(offset + TYPE_OFFSET);
  }

  public int code() {
    return buf.getUnsignedByte(offset + CODE_OFFSET);
  }

  public int checksum() {
    return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
  }

  public int restOfHeader() {
    return buf.getInt(offset + REST_OFFSET);
  }

  /** Absolute index of the api "body" (rest of header + data). */
  public int bodyOffset() {
    return offset + REST_OFFSET;
  }

  public int bodyLength() {
    return length - REST_OFFSET;
  }

  /** Absolute index of the data after the 8-byte header. */
  public int dataOffset() {
    return offset + DATA_OFFSET;
  }

  public int dataLength() {
    return length - DATA_OFFSET;
  }

  /**
   * Writes type and code at absolute {@code index} and the checksum over the {@code length}
   * bytes of the message starting there (the rest of the message must already be in place).
   */
  public static void emitHeader(ByteBuf buf, int index, int type, int code, int length) {
    buf.setByte(index + TYPE_OFFSET, type);
    buf.setByte(index + CODE_OFFSET, code);
    buf.setShort(index + CHECKSUM_OFFSET, 0);
    buf.setShort(index + CHECKSUM_OFFSET, Checksum.compute(buf, index, length));
  }
}
