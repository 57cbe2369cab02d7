package io.morgana.net.tcpip.wire;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.netty.buffer.ByteBuf;

/**
 * An Ethernet/IPv4 ARP packet (RFC 826) as a value.
 *
 * @param operation {@link ArpPacket#OPERATION_REQUEST}, {@link ArpPacket#OPERATION_REPLY} or any
 *     other 16-bit value (parsed, then dropped by the stack)
 */
public record ArpHeader(
    int operation,
    MacAddress senderHardware,
    Ipv4Address senderProtocol,
    MacAddress targetHardware,
    Ipv4Address targetProtocol) {

  public static final int LENGTH = ArpPacket.LENGTH;

  public ArpHeader {
    if ((operation & ~0xffff) != 0) {
      throw new IllegalArgumentException("operation must be 0..0xffff, got " + operation);
    }
    if (senderHardware == null || senderProtocol == null || targetHardware == null || targetProtocol == null) {
      throw new IllegalArgumentException("addresses must not be null");
    }
  }

  /** Parses {@code buf}'s readable bytes (trailing padding ignored). */
  public static ArpHeader parse(ByteBuf buf) throws MalformedPacketException {
    ArpPacket p = new ArpPacket().wrap(buf, buf.readerIndex(), buf.readableBytes()).check();
    return new ArpHeader(
        p.operation(),
        MacAddress.of(p.senderHardware()),
        Ipv4Address.of(p.senderProtocol()),
        MacAddress.of(p.targetHardware()),
        Ipv4Address.of(p.targetProtocol()));
  }

  /** Writes the 28 bytes at absolute {@code index}. */
  public void emit(ByteBuf buf, int index) {
    ArpPacket.emit(buf, index, operation, senderHardware.toLong(), senderProtocol.toInt(),
        targetHardware.toLong(), targetProtocol.toInt());
  }

  public int length() {
    return LENGTH;
  }
}
