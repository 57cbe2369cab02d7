package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over an Ethernet II frame (RFC 894; IEEE 802.3 clause 3.2.6, Length/Type used as a
 * type). No preamble and no frame check sequence: the {@link io.morgana.api.Netif} contract.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Destination address (6 octets)                |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                   Source address (6 octets)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        EtherType              |  Payload ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Reusable: {@link #wrap} it over each frame; getters are absolute and move no index.
 */
public final class EthernetFrame {

  public static final int DESTINATION_OFFSET = 0;
  public static final int SOURCE_OFFSET = 6;
  public static final int TYPE_OFFSET = 12;
  public static final int HEADER_LENGTH = 14;

  /** Type values below this are IEEE 802.3 lengths, not EtherTypes. */
  public static final int MIN_ETHERTYPE = 0x0600;
  /** IEEE 802.1Q customer VLAN tag. */
  public static final int TYPE_VLAN = 0x8100;
  /** IEEE 802.1ad service VLAN tag (Q-in-Q). */
  public static final int TYPE_QINQ = 0x88a8;
  /** Pre-standard Q-in-Q tag. */
  public static final int TYPE_QINQ_LEGACY = 0x9100;

  private ByteBuf buf;
  private int offset;
  private int length;

  /** Points this flyweight at the frame of {@code length} bytes at absolute {@code offset}. */
  public EthernetFrame wrap(ByteBuf buf, int offset, int length) {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    return this;
  }

  /**
   * Checks that the frame holds a header.
   *
   * @throws MalformedPacketException ({@link MalformedPacketException.Reason#TRUNCATED}) if not
   */
  public EthernetFrame check() throws MalformedPacketException {
    if (length < HEADER_LENGTH || offset < 0 || offset + length > buf.capacity()) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.TRUNCATED);
    }
    return this;
  }

  /** Whether {@code type} is an IEEE 802.3 length rather than an EtherType. */
  public static boolean isLengthField(int type) {
    return type < MIN_ETHERTYPE;
  }

  /** Whether {@code type} announces a VLAN tag. */
  public static boolean isVlanTag(int type) {
    return type == TYPE_VLAN || type == TYPE_QINQ || type == TYPE_QINQ_LEGACY;
  }

  public ByteBuf buffer() {
    return buf;
  }

  public int offset() {
    return offset;
  }

  /** The destination address's 48 bits. */
  public long destination() {
    return ((long) buf.getUnsignedShort(offset + DESTINATION_OFFSET) << 32)
        | buf.getUnsignedInt(offset + DESTINATION_OFFSET + 2);
  }

  /** The source address's 48 bits. */
  public long source() {
    return ((long) buf.getUnsignedShort(offset + SOURCE_OFFSET) << 32)
        | buf.getUnsignedInt(offset + SOURCE_OFFSET + 2);
  }

  public int etherType() {
    return buf.getUnsignedShort(offset + TYPE_OFFSET);
  }

  /** Absolute index of the first payload byte. */
  public int payloadOffset() {
    return offset + HEADER_LENGTH;
  }

  /** Bytes after the header. */
  public int payloadLength() {
    return length - HEADER_LENGTH;
  }

  public EthernetFrame destination(long bits) {
    buf.setShort(offset + DESTINATION_OFFSET, (int) (bits >>> 32));
    buf.setInt(offset + DESTINATION_OFFSET + 2, (int) bits);
    return this;
  }

  public EthernetFrame source(long bits) {
    buf.setShort(offset + SOURCE_OFFSET, (int) (bits >>> 32));
    buf.setInt(offset + SOURCE_OFFSET + 2, (int) bits);
    return this;
  }

  public EthernetFrame etherType(int type) {
    buf.setShort(offset + TYPE_OFFSET, type);
    return this;
  }

  /** Writes a whole header at absolute {@code index}; allocates nothing. */
  public static void emitHeader(ByteBuf buf, int index, long destination, long source, int etherType) {
    buf.setShort(index + DESTINATION_OFFSET, (int) (destination >>> 32));
    buf.setInt(index + DESTINATION_OFFSET + 2, (int) destination);
    buf.setShort(index + SOURCE_OFFSET, (int) (source >>> 32));
    buf.setInt(index + SOURCE_OFFSET + 2, (int) source);
    buf.setShort(index + TYPE_OFFSET, etherType);
  }
}
