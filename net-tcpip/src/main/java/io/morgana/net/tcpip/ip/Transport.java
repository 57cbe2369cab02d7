package io.morgana.net.tcpip.ip;

import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.netty.buffer.ByteBuf;

/**
 * A transport protocol above an {@link IpLayer} — ICMP, UDP, and TCP when it joins — as
 * mirage-tcpip's transports are functors over {@code Ip}: it is registered once ({@link
 * IpLayer#register}) and receives the datagrams of its protocol number and the ICMP errors that
 * quote its datagrams. Loop thread only.
 */
public interface Transport {

  /** Its IP protocol number ({@code Ip.PROTOCOL_UDP}). */
  int protocol();

  /**
   * A validated (and if need be reassembled) datagram of this protocol addressed to us. {@code
   * header} and {@code payload} (its readable bytes are the IP payload) are borrowed for the
   * call; the header flyweight is reused for the next datagram.
   *
   * @param rxFlags {@link io.morgana.net.tcpip.internal.Rx} flags of the datagram
   * @param now the arrival time
   */
  void receive(Ipv4Packet header, ByteBuf payload, int rxFlags, long now);

  /**
   * An ICMP error (RFC 1122 §3.2.2.1–§3.2.2.5) about a datagram we sent with this protocol:
   * {@code quoted} is the original IP header and at least the first 8 bytes of its payload
   * (validated as a header; its payload may be short). Borrowed. The default ignores it.
   */
  default void onIcmpError(int type, int code, int restOfHeader, Ipv4Packet quoted, long now) {}
}
