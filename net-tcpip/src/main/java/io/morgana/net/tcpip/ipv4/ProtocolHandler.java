package io.morgana.net.tcpip.ipv4;

import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.netty.buffer.ByteBuf;

/**
 * A transport inside the stack (ICMP, UDP, and TCP when it joins) receiving the datagrams of its
 * protocol number from {@link Ipv4Layer}.
 */
@FunctionalInterface
public interface ProtocolHandler {

  /**
   * Called on the loop thread with the validated (and if need be reassembled) datagram's header
   * and its payload, {@code payload}'s readable bytes. Both are borrowed for the call; the header
   * flyweight is reused for the next datagram.
   */
  void receive(Ipv4Packet header, ByteBuf payload, long now);
}
