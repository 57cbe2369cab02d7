package io.morgana.net.tcpip;

import io.morgana.api.Ethernet;
import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.net.tcpip.wire.EthernetHeader;
import io.morgana.net.tcpip.wire.IcmpHeader;
import io.morgana.net.tcpip.wire.Ipv4Header;
import io.morgana.net.tcpip.wire.UdpHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Builds whole frames for tests, through the wire records. */
final class Frames {
  private Frames() {}

  static byte[] arp(MacAddress ethSrc, MacAddress ethDst, ArpHeader arp) {
    ByteBuf b = Unpooled.buffer(42).writerIndex(42);
    new EthernetHeader(ethDst, ethSrc, Ethernet.TYPE_ARP).emit(b, 0);
    arp.emit(b, 14);
    return ByteBufUtil.getBytes(b);
  }

  /** An IPv4 frame around {@code payload}; fragment fields from the arguments. */
  static byte[] ipv4(MacAddress ethSrc, MacAddress ethDst, Ipv4Address src, Ipv4Address dst, int protocol,
      int id, boolean more, int fragmentOffset, byte[] payload) {
    ByteBuf b = Unpooled.buffer(34 + payload.length).writerIndex(34 + payload.length);
    new EthernetHeader(ethDst, ethSrc, Ethernet.TYPE_IPV4).emit(b, 0);
    new Ipv4Header(0, 20 + payload.length, id, false, more, fragmentOffset, 64, protocol, src, dst, 20).emit(b, 14);
    b.setBytes(34, payload);
    return ByteBufUtil.getBytes(b);
  }

  static byte[] udpDatagram(Ipv4Address src, Ipv4Address dst, int sport, int dport, byte[] data) {
    ByteBuf b = Unpooled.buffer(8 + data.length).writerIndex(8 + data.length);
    b.setBytes(8, data);
    new UdpHeader(sport, dport, 8 + data.length).emit(b, 0, src, dst);
    return ByteBufUtil.getBytes(b);
  }

  static byte[] icmp(int type, int code, int rest, byte[] data) {
    ByteBuf b = Unpooled.buffer(8 + data.length).writerIndex(8 + data.length);
    b.setBytes(8, data);
    new IcmpHeader(type, code, rest).emit(b, 0, data.length);
    return ByteBufUtil.getBytes(b);
  }

  static byte[] udp(MacAddress ethSrc, MacAddress ethDst, Ipv4Address src, Ipv4Address dst, int sport, int dport,
      byte[] data) {
    return ipv4(ethSrc, ethDst, src, dst, 17, 1, false, 0, udpDatagram(src, dst, sport, dport, data));
  }
}
