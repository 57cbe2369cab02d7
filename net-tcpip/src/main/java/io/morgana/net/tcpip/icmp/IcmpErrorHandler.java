package io.morgana.net.tcpip.icmp;

import io.morgana.net.tcpip.wire.Ipv4Packet;

/**
 * A transport's receiver of ICMP errors about datagrams it sent (RFC 1122 §3.2.2.1: "the ICMP
 * layer MUST pass the error to the transport layer").
 */
@FunctionalInterface
public interface IcmpErrorHandler {

  /**
   * Called on the loop thread.
   *
   * @param quoted the quoted header of our datagram (validated: version and IHL; borrowed); its
   *     {@link Ipv4Packet#availablePayloadLength()} bytes of payload follow it in its buffer
   * @param restOfHeader the error's second word (the next-hop MTU of "fragmentation needed")
   */
  void onIcmpError(int type, int code, int restOfHeader, Ipv4Packet quoted, long now);
}
