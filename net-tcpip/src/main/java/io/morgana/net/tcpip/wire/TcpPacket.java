package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over a TCP segment (RFC 9293 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Data ...
 * </pre>
 *
 * The segment is the whole IP payload (TCP has no length field); the checksum covers the IPv4
 * pseudo-header (source, destination, zero, protocol 6, segment length), the header with its
 * options, and the data. Options are read with {@link TcpOptions#parse}. Absolute getters, no
 * allocation.
 */
public final class TcpPacket {

  public static final int SOURCE_PORT_OFFSET = 0;
  public static final int DESTINATION_PORT_OFFSET = 2;
  public static final int SEQUENCE_OFFSET = 4;
  public static final int ACKNOWLEDGMENT_OFFSET = 8;
  public static final int DATA_OFFSET_OFFSET = 12;
  public static final int FLAGS_OFFSET = 13;
  public static final int WINDOW_OFFSET = 14;
  public static final int CHECKSUM_OFFSET = 16;
  public static final int URGENT_POINTER_OFFSET = 18;
  public static final int OPTIONS_OFFSET = 20;
  /** Header without options. */
  public static final int MIN_HEADER_LENGTH = 20;
  /** Header with 40 bytes of options (data offset 15). */
  public static final int MAX_HEADER_LENGTH = 60;
  /** IP protocol number. */
  public static final int PROTOCOL = 6;

  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;
  public static final int URG = 0x20;
  public static final int ECE = 0x40;
  public static final int CWR = 0x80;

  private ByteBuf buf;
  private int offset;
  private int length;

  /** Points at the segment whose first byte is at absolute {@code offset}, {@code length} bytes (the IP payload). */
  public TcpPacket wrap(ByteBuf buf, int offset, int length) {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    return this;
  }

  /**
   * Checks that the fixed header is there and the data offset lies within 20..{@code length}.
   *
   * @throws MalformedPacketException TRUNCATED or BAD_HEADER_LENGTH
   */
  public TcpPacket check() throws MalformedPacketException {
    if (length < MIN_HEADER_LENGTH || offset < 0 || offset + length > buf.capacity()) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.TRUNCATED);
    }
    int hl = headerLength();
    if (hl < MIN_HEADER_LENGTH || hl > length) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_HEADER_LENGTH);
    }
    return this;
  }

  /**
   * Verifies the checksum against the pseudo-header of {@code source} and {@code destination}
   * (after {@link #check}). Unlike UDP's, TCP's checksum is never optional.
   *
   * @throws MalformedPacketException BAD_CHECKSUM
   */
  public TcpPacket verifyChecksum(int source, int destination) throws MalformedPacketException {
    long sum = Checksum.sum(buf, offset, length, Checksum.pseudoHeader(source, destination, PROTOCOL, length));
    if (!Checksum.verifies(sum)) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_CHECKSUM);
    }
    return this;
  }

  public ByteBuf buffer() {
    return buf;
  }

  /** Absolute index of the first header byte. */
  public int offset() {
    return offset;
  }

  /** Bytes of the whole segment: header, options and data. */
  public int length() {
    return length;
  }

  public int sourcePort() {
    return buf.getUnsignedShort(offset + SOURCE_PORT_OFFSET);
  }

  public int destinationPort() {
    return buf.getUnsignedShort(offset + DESTINATION_PORT_OFFSET);
  }

  /** The sequence number, as the 32 bits it is (compare with modular arithmetic). */
  public int sequence() {
    return buf.getInt(offset + SEQUENCE_OFFSET);
  }

  public int acknowledgment() {
    return buf.getInt(offset + ACKNOWLEDGMENT_OFFSET);
  }

  /** Header bytes, options included: the data offset field times 4. */
  public int headerLength() {
    return (buf.getUnsignedByte(offset + DATA_OFFSET_OFFSET) >>> 4) * 4;
  }

  /** The eight control bits ({@link #FIN} … {@link #CWR}). */
  public int flags() {
    return buf.getUnsignedByte(offset + FLAGS_OFFSET);
  }

  public boolean has(int flag) {
    return (flags() & flag) != 0;
  }

  /** The window field, not yet scaled. */
  public int window() {
    return buf.getUnsignedShort(offset + WINDOW_OFFSET);
  }

  public int checksum() {
    return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
  }

  public int urgentPointer() {
    return buf.getUnsignedShort(offset + URGENT_POINTER_OFFSET);
  }

  /** Absolute index of the first option byte. */
  public int optionsOffset() {
    return offset + OPTIONS_OFFSET;
  }

  public int optionsLength() {
    return headerLength() - MIN_HEADER_LENGTH;
  }

  public int payloadOffset() {
    return offset + headerLength();
  }

  public int payloadLength() {
    return length - headerLength();
  }

  /**
   * The length the segment occupies in sequence space (RFC 9293 §3.4): its data plus one for SYN
   * and one for FIN.
   */
  public int sequenceLength() {
    int f = flags();
    return payloadLength() + ((f & SYN) != 0 ? 1 : 0) + ((f & FIN) != 0 ? 1 : 0);
  }

  /**
   * Writes the fixed header at absolute {@code index} and then the checksum over the
   * pseudo-header and the {@code segmentLength} bytes from {@code index}: the options ({@code
   * headerLength - 20} bytes, see {@link TcpOptions#write}) and the data must already follow.
   */
  public static void emitHeader(
      ByteBuf buf, int index, int sourcePort, int destinationPort, int sequence, int acknowledgment,
      int headerLength, int flags, int window, int urgentPointer, int segmentLength, int source, int destination) {
    emitHeader(buf, index, sourcePort, destinationPort, sequence, acknowledgment, headerLength, flags, window,
        urgentPointer, segmentLength, source, destination, false);
  }

  /**
   * As the other {@code emitHeader}; with {@code partialChecksum} the checksum field gets only the
   * folded (not complemented) sum of the pseudo-header, for a device that completes it (Linux's
   * {@code CHECKSUM_PARTIAL}: the device sums the segment, this field included, and stores the
   * complement), and the segment's bytes are not read.
   */
  public static void emitHeader(
      ByteBuf buf, int index, int sourcePort, int destinationPort, int sequence, int acknowledgment,
      int headerLength, int flags, int window, int urgentPointer, int segmentLength, int source, int destination,
      boolean partialChecksum) {
    buf.setShort(index + SOURCE_PORT_OFFSET, sourcePort);
    buf.setShort(index + DESTINATION_PORT_OFFSET, destinationPort);
    buf.setInt(index + SEQUENCE_OFFSET, sequence);
    buf.setInt(index + ACKNOWLEDGMENT_OFFSET, acknowledgment);
    buf.setByte(index + DATA_OFFSET_OFFSET, (headerLength / 4) << 4);
    buf.setByte(index + FLAGS_OFFSET, flags);
    buf.setShort(index + WINDOW_OFFSET, window);
    buf.setShort(index + CHECKSUM_OFFSET, 0);
    buf.setShort(index + URGENT_POINTER_OFFSET, urgentPointer);
    if (partialChecksum) {
      buf.setShort(index + CHECKSUM_OFFSET,
          Checksum.fold(Checksum.pseudoHeader(source, destination, PROTOCOL, segmentLength)));
      return;
    }
    buf.setShort(index + CHECKSUM_OFFSET, Checksum.finish(
        Checksum.sum(buf, index, segmentLength, Checksum.pseudoHeader(source, destination, PROTOCOL, segmentLength))));
  }
}
