package io.morgana.net.dhcp.wire;

import static io.morgana.net.dhcp.wire.DhcpPacket.*;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.net.tcpip.wire.MalformedPacketException.Reason;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * One DHCP message over Ethernet (RFC 2131 §2): the fixed fields this implementation uses and the
 * options. {@code htype} is always Ethernet and {@code hlen} 6; {@code sname} and {@code file}
 * are read only as option space when option 52 overloads them (RFC 2131 §4.1), and are written
 * as zeros.
 *
 * @param op {@link DhcpPacket#BOOTREQUEST} or {@link DhcpPacket#BOOTREPLY}
 * @param hops relay hops
 * @param xid the transaction id
 * @param secs seconds since the client began
 * @param broadcast the broadcast flag
 * @param clientAddress ciaddr
 * @param yourAddress yiaddr
 * @param serverAddress siaddr
 * @param relayAddress giaddr
 * @param clientMac chaddr
 * @param options the options (message type included)
 */
public record DhcpMessage(
    int op,
    int hops,
    int xid,
    int secs,
    boolean broadcast,
    Ipv4Address clientAddress,
    Ipv4Address yourAddress,
    Ipv4Address serverAddress,
    Ipv4Address relayAddress,
    MacAddress clientMac,
    DhcpOptions options) {

  public DhcpMessage {
    if (op != BOOTREQUEST && op != BOOTREPLY) {
      throw new IllegalArgumentException("op " + op);
    }
    if (hops < 0 || hops > 255 || secs < 0 || secs > 0xffff) {
      throw new IllegalArgumentException("hops " + hops + ", secs " + secs);
    }
  }

  /** The message type (option 53); a parsed message always has one. */
  public MessageType type() {
    return options.messageType().orElseThrow();
  }

  /** The server identifier (option 54), if present. */
  public Optional<Ipv4Address> serverId() {
    return options.serverId();
  }

  /**
   * Parses the UDP payload {@code [index, index + length)} of {@code buf}.
   *
   * @throws MalformedPacketException if it is shorter than the fixed part, lacks the magic
   *     cookie or a message type, is not Ethernet, or has a truncated or nonsensical option;
   *     nothing else, for any input
   */
  public static DhcpMessage parse(ByteBuf buf, int index, int length) throws MalformedPacketException {
    if (length < MIN_LENGTH || index < 0 || index + length > buf.capacity()) {
      throw new MalformedPacketException(Reason.TRUNCATED, "DHCP message of " + length + " bytes");
    }
    int op = buf.getUnsignedByte(index + OP_OFFSET);
    if (op != BOOTREQUEST && op != BOOTREPLY) {
      throw new MalformedPacketException(Reason.UNSUPPORTED, "op " + op);
    }
    if (buf.getUnsignedByte(index + HTYPE_OFFSET) != HTYPE_ETHERNET || buf.getUnsignedByte(index + HLEN_OFFSET) != 6) {
      throw new MalformedPacketException(Reason.UNSUPPORTED, "not an Ethernet hardware address");
    }
    if (buf.getInt(index + COOKIE_OFFSET) != MAGIC_COOKIE) {
      throw new MalformedPacketException(Reason.UNSUPPORTED, "no DHCP magic cookie");
    }
    LinkedHashMap<Integer, byte[]> values = new LinkedHashMap<>();
    DhcpOptions.read(buf, index + OPTIONS_OFFSET, index + length, values);
    byte[] overload = values.get(DhcpOptions.OVERLOAD);
    if (overload != null) {
      if (overload.length != 1 || overload[0] < 1 || overload[0] > 3) {
        throw new MalformedPacketException(Reason.BAD_LENGTH, "bad overload option");
      }
      // RFC 3396 §5: options, then file, then sname.
      if ((overload[0] & 1) != 0) {
        DhcpOptions.read(buf, index + FILE_OFFSET, index + FILE_OFFSET + FILE_LENGTH, values);
      }
      if ((overload[0] & 2) != 0) {
        DhcpOptions.read(buf, index + SNAME_OFFSET, index + SNAME_OFFSET + SNAME_LENGTH, values);
      }
      values.remove(DhcpOptions.OVERLOAD);
    }
    DhcpOptions options = DhcpOptions.wrapValidated(values);
    if (options.messageType().isEmpty()) {
      throw new MalformedPacketException(Reason.UNSUPPORTED, "BOOTP message without a DHCP message type");
    }
    return new DhcpMessage(
        op,
        buf.getUnsignedByte(index + HOPS_OFFSET),
        buf.getInt(index + XID_OFFSET),
        buf.getUnsignedShort(index + SECS_OFFSET),
        (buf.getUnsignedShort(index + FLAGS_OFFSET) & FLAG_BROADCAST) != 0,
        Ipv4Address.readFrom(buf, index + CIADDR_OFFSET),
        Ipv4Address.readFrom(buf, index + YIADDR_OFFSET),
        Ipv4Address.readFrom(buf, index + SIADDR_OFFSET),
        Ipv4Address.readFrom(buf, index + GIADDR_OFFSET),
        MacAddress.readFrom(buf, index + CHADDR_OFFSET),
        options);
  }

  /** Parses {@code buf}'s readable bytes. */
  public static DhcpMessage parse(ByteBuf buf) throws MalformedPacketException {
    return parse(buf, buf.readerIndex(), buf.readableBytes());
  }

  /** Bytes {@link #emit} writes: the fixed part, the cookie, the options and END. */
  public int encodedLength() {
    return MIN_LENGTH + options.encodedLength();
  }

  /** Writes the message at {@code buf}'s writer index. */
  public void emit(ByteBuf buf) {
    int start = buf.writerIndex();
    buf.ensureWritable(encodedLength());
    buf.writeZero(MIN_LENGTH);
    buf.setByte(start + OP_OFFSET, op);
    buf.setByte(start + HTYPE_OFFSET, HTYPE_ETHERNET);
    buf.setByte(start + HLEN_OFFSET, 6);
    buf.setByte(start + HOPS_OFFSET, hops);
    buf.setInt(start + XID_OFFSET, xid);
    buf.setShort(start + SECS_OFFSET, secs);
    buf.setShort(start + FLAGS_OFFSET, broadcast ? FLAG_BROADCAST : 0);
    clientAddress.writeTo(buf, start + CIADDR_OFFSET);
    yourAddress.writeTo(buf, start + YIADDR_OFFSET);
    serverAddress.writeTo(buf, start + SIADDR_OFFSET);
    relayAddress.writeTo(buf, start + GIADDR_OFFSET);
    clientMac.writeTo(buf, start + CHADDR_OFFSET);
    buf.setInt(start + COOKIE_OFFSET, MAGIC_COOKIE);
    options.writeTo(buf);
  }

  /** A copy with other options. */
  public DhcpMessage withOptions(DhcpOptions newOptions) {
    return new DhcpMessage(op, hops, xid, secs, broadcast, clientAddress, yourAddress, serverAddress, relayAddress, clientMac, newOptions);
  }
}
