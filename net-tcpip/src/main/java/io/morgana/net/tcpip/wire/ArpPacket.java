package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over an ARP packet for Ethernet and IPv4 (RFC 826), 28 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Hardware type (1)         |     Protocol type (0x0800)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | HW len (6)    | Proto len (4) |          Operation            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Sender hardware address (6 octets)               |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | Sender protocol address (4)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |              Target hardware address (6 octets)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Target protocol address (4 octets)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ArpPacket {

  public static final int HARDWARE_TYPE_OFFSET = 0;
  public static final int PROTOCOL_TYPE_OFFSET = 2;
  public static final int HARDWARE_LENGTH_OFFSET = 4;
  public static final int PROTOCOL_LENGTH_OFFSET = 5;
  public static final int OPERATION_OFFSET = 6;
  public static final int SENDER_HARDWARE_OFFSET = 8;
  public static final int SENDER_PROTOCOL_OFFSET = 14;
  public static final int TARGET_HARDWARE_OFFSET = 18;
  public static final int TARGET_PROTOCOL_OFFSET = 24;
  public static final int LENGTH = 28;

  /** Hardware type of Ethernet (RFC 826 ar$hrd). */
  public static final int HARDWARE_ETHERNET = 1;
  /** Protocol type of IPv4 (RFC 826 ar$pro). */
  public static final int PROTOCOL_IPV4 = 0x0800;
  /** ares_op$REQUEST. */
  public static final int OPERATION_REQUEST = 1;
  /** ares_op$REPLY. */
  public static final int OPERATION_REPLY = 2;

  private ByteBuf buf;
  private int offset;
  private int length;

  public ArpPacket wrap(ByteBuf buf, int offset, int length) {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    return this;
  }

  /**
   * Checks that 28 bytes are present and that the packet maps IPv4 to Ethernet addresses.
   *
   * @throws MalformedPacketException TRUNCATED, or UNSUPPORTED for other hardware or protocols
   */
  public ArpPacket check() throws MalformedPacketException {
    if (length < LENGTH || offset < 0 || offset + length > buf.capacity()) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.TRUNCATED);
    }
    if (hardwareType() != HARDWARE_ETHERNET || protocolType() != PROTOCOL_IPV4
        || buf.getUnsignedByte(offset + HARDWARE_LENGTH_OFFSET) != 6
        || buf.getUnsignedByte(offset + PROTOCOL_LENGTH_OFFSET) != 4) {
      throw MalformedPacketException.of(MalformedPacketException.Reason.UNSUPPORTED);
    }
    return this;
  }

  public int hardwareType() {
    return buf.getUnsignedShort(offset + HARDWARE_TYPE_OFFSET);
  }

  public int protocolType() {
    return buf.getUnsignedShort(offset + PROTOCOL_TYPE_OFFSET);
  }

  public int operation() {
    return buf.getUnsignedShort(offset + OPERATION_OFFSET);
  }

  public long senderHardware() {
    return mac(offset + SENDER_HARDWARE_OFFSET);
  }

  public int senderProtocol() {
    return buf.getInt(offset + SENDER_PROTOCOL_OFFSET);
  }

  public long targetHardware() {
    return mac(offset + TARGET_HARDWARE_OFFSET);
  }

  public int targetProtocol() {
    return buf.getInt(offset + TARGET_PROTOCOL_OFFSET);
  }

  private long mac(int at) {
    return ((long) buf.getUnsignedShort(at) << 32) | buf.getUnsignedInt(at + 2);
  }

  /** Writes a whole Ethernet/IPv4 ARP packet at absolute {@code index}; allocates nothing. */
  public static void emit(
      ByteBuf buf, int index, int operation, long senderHardware, int senderProtocol,
      long targetHardware, int targetProtocol) {
    buf.setShort(index + HARDWARE_TYPE_OFFSET, HARDWARE_ETHERNET);
    buf.setShort(index + PROTOCOL_TYPE_OFFSET, PROTOCOL_IPV4);
    buf.setByte(index + HARDWARE_LENGTH_OFFSET, 6);
    buf.setByte(index + PROTOCOL_LENGTH_OFFSET, 4);
    buf.setShort(index + OPERATION_OFFSET, operation);
    buf.setShort(index + SENDER_HARDWARE_OFFSET, (int) (senderHardware >>> 32));
    buf.setInt(index + SENDER_HARDWARE_OFFSET + 2, (int) senderHardware);
    buf.setInt(index + SENDER_PROTOCOL_OFFSET, senderProtocol);
    buf.setShort(index + TARGET_HARDWARE_OFFSET, (int) (targetHardware >>> 32));
    buf.setInt(index + TARGET_HARDWARE_OFFSET + 2, (int) targetHardware);
    buf.setInt(index + TARGET_PROTOCOL_OFFSET, targetProtocol);
  }
}
