package io.morgana.net.tcpip.ipv4;

import io.morgana.net.tcpip.wire.Ipv4Packet;

/**
 * Where IPv4 and the transports report a datagram that deserves an ICMP error (RFC 1122
 * §3.2.2): the ICMP layer decides whether one may be sent (never about errors, broadcasts,
 * link-layer broadcasts, later fragments or sources that are no single host; rate limited) and
 * sends it. Called on the loop thread while the datagram is being received (or, for a
 * reassembly timeout, from {@code poll}), so that {@link Ipv4Layer#receivedAsLinkBroadcast()}
 * describes it.
 */
public interface IcmpErrorSender {

  /**
   * Reports {@code original} (a validated datagram, borrowed) as the cause of an error of
   * {@code type}/{@code code}; {@code restOfHeader} is the error's second word.
   */
  void sendError(int type, int code, int restOfHeader, Ipv4Packet original, long now);
}
