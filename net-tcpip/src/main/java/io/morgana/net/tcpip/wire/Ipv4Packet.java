package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over an IPv4 datagram (RFC 791 §3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Flags: bit 0 reserved, bit 1 DF (Don't Fragment), bit 2 MF (More Fragments). The fragment
 * offset counts 8-byte units; {@link #fragmentOffset()} returns bytes. Options are accepted and
 * skipped (IHL gives the header length).
 */
public final class Ipv4Packet {

  public static final int VERSION_IHL_OFFSET = 0;
  public static final int TOS_OFFSET = 1;
  public static final int TOTAL_LENGTH_OFFSET = 2;
  public static final int IDENTIFICATION_OFFSET = 4;
  public static final int FLAGS_FRAGMENT_OFFSET = 6;
  public static final int TTL_OFFSET = 8;
  public static final int PROTOCOL_OFFSET = 9;
  public static final int CHECKSUM_OFFSET = 10;
  public static final int SOURCE_OFFSET = 12;
  public static final int DESTINATION_OFFSET = 16;
  /** Header length without options. */
  public static final int MIN_HEADER_LENGTH = 20;
  /** Header length with 40 bytes of options (IHL 15). */
  public static final int MAX_HEADER_LENGTH = 60;
  /** Largest total length. */
  public static final int MAX_TOTAL_LENGTH = 65_535;

  /** Flags/offset word: Don't Fragment. */
  public static final int FLAG_DF = 0x4000;
  /** Flags/offset word: More Fragments. */
  public static final int FLAG_MF = 0x2000;
  /** Flags/offset word: the 13-bit offset in 8-byte units. */
  public static final int OFFSET_MASK = 0x1fff;

  private ByteBuf buf;
  private int offset;
  private int length;

  /** Points at the datagram whose first byte is at absolute {@code offset}, {@code length} bytes available. */
  public Ipv4Packet wrap(ByteBuf buf, int offset, int length) {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    return this;
  }

  /**
   * Validates a received datagram: version, IHL, total length and (when {@code verifyChecksum})
   * the header checksum.
   *
   * @throws MalformedPacketException with the reason of the first check that failed
   */
  public Ipv4Packet check(boolean verifyChecksum) throws MalformedPacketException {
    checkHeader();
    int total = totalLength();
    if (total < headerLength() || total > length) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_LENGTH);
    }
    if (verifyChecksum && !Checksum.verifies(Checksum.sum(buf, offset, headerLength(), 0))) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_CHECKSUM);
    }
    return this;
  }

  /**
   * Validates the header of a datagram quoted in an ICMP error (RFC 792): version and IHL only;
   * the quote is usually truncated and its checksum is not ours to judge.
   */
  public Ipv4Packet checkHeader() throws MalformedPacketException {
    if (length < MIN_HEADER_LENGTH || offset < 0 || offset + length > buf.capacity()) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.TRUNCATED);
    }
    if (version() != 4) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_VERSION);
    }
    int hl = headerLength();
    if (hl < MIN_HEADER_LENGTH || hl > length) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.BAD_HEADER_LENGTH);
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

  public int version() {
    return buf.getUnsignedByte(offset + VERSION_IHL_OFFSET) >>> 4;
  }

  /** IHL × 4: the header length in bytes, options included. */
  public int headerLength() {
    return (buf.getUnsignedByte(offset + VERSION_IHL_OFFSET) & 0xf) * 4;
  }

  public int typeOfService() {
    return buf.getUnsignedByte(offset + TOS_OFFSET);
  }

  public int totalLength() {
    return buf.getUnsignedShort(offset + TOTAL_LENGTH_OFFSET);
  }

  public int identification() {
    return buf.getUnsignedShort(offset + IDENTIFICATION_OFFSET);
  }

  /** The raw flags and fragment offset word. */
  public int flagsAndFragment() {
    return buf.getUnsignedShort(offset + FLAGS_FRAGMENT_OFFSET);
  }

  public boolean dontFragment() {
    return (flagsAndFragment() & FLAG_DF) != 0;
  }

  public boolean moreFragments() {
    return (flagsAndFragment() & FLAG_MF) != 0;
  }

  /** The fragment offset in bytes. */
  public int fragmentOffset() {
    return (flagsAndFragment() & OFFSET_MASK) * 8;
  }

  /** Whether this datagram is a fragment (MF set or a non-zero offset). */
  public boolean isFragment() {
    return (flagsAndFragment() & (FLAG_MF | OFFSET_MASK)) != 0;
  }

  public int timeToLive() {
    return buf.getUnsignedByte(offset + TTL_OFFSET);
  }

  public int protocol() {
    return buf.getUnsignedByte(offset + PROTOCOL_OFFSET);
  }

  public int checksum() {
    return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
  }

  public int source() {
    return buf.getInt(offset + SOURCE_OFFSET);
  }

  public int destination() {
    return buf.getInt(offset + DESTINATION_OFFSET);
  }

  /** Absolute index of the first payload byte. */
  public int payloadOffset() {
    return offset + headerLength();
  }

  /** Payload bytes per the total length (valid after {@link #check}). */
  public int payloadLength() {
    return totalLength() - headerLength();
  }

  /** Payload bytes actually present, for a possibly truncated quote. */
  public int availablePayloadLength() {
    return Math.max(0, Math.min(totalLength(), length) - headerLength());
  }

  public Ipv4Packet totalLength(int value) {
    buf.setShort(offset + TOTAL_LENGTH_OFFSET, value);
    return this;
  }

  public Ipv4Packet flagsAndFragment(int value) {
    buf.setShort(offset + FLAGS_FRAGMENT_OFFSET, value);
    return this;
  }

  /** Recomputes the header checksum over the current header. */
  public Ipv4Packet updateChecksum() {
    buf.setShort(offset + CHECKSUM_OFFSET, 0);
    buf.setShort(offset + CHECKSUM_OFFSET, Checksum.compute(buf, offset, headerLength()));
    return this;
  }

  /**
   * Appends this datagram's header and up to {@code payloadBytes} bytes of its payload to
   * {@code out} (the quote of an ICMP error, RFC 792). Returns the number of bytes written.
   */
  public int writeQuote(ByteBuf out, int payloadBytes) {
    int n = headerLength() + Math.min(payloadBytes, availablePayloadLength());
    out.writeBytes(buf, offset, n);
    return n;
  }

  /**
   * Writes an option-less header at absolute {@code index} with its checksum; allocates nothing.
   *
   * @param flagsAndFragment the raw flags/offset word ({@link #FLAG_DF}, {@link #FLAG_MF}, offset / 8)
   */
  public static void emitHeader(
      ByteBuf buf, int index, int typeOfService, int totalLength, int identification,
      int flagsAndFragment, int timeToLive, int protocol, int source, int destination) {
    buf.setByte(index + VERSION_IHL_OFFSET, 0x45);
    buf.setByte(index + TOS_OFFSET, typeOfService);
    buf.setShort(index + TOTAL_LENGTH_OFFSET, totalLength);
    buf.setShort(index + IDENTIFICATION_OFFSET, identification);
    buf.setShort(index + FLAGS_FRAGMENT_OFFSET, flagsAndFragment);
    buf.setByte(index + TTL_OFFSET, timeToLive);
    buf.setByte(index + PROTOCOL_OFFSET, protocol);
    buf.setShort(index + CHECKSUM_OFFSET, 0);
    buf.setInt(index + SOURCE_OFFSET, source);
    buf.setInt(index + DESTINATION_OFFSET, destination);
    buf.setShort(index + CHECKSUM_OFFSET, Checksum.compute(buf, index, MIN_HEADER_LENGTH));
  }
}
