package io.morgana.net.tcpip.udp;

import io.morgana.net.tcpip.internal.ProtocolCounter;

/**
 * What the udp layer counts: UDP (RFC 768). Owned by the layer; read through {@link
 * io.morgana.net.tcpip.TcpipStack#stats()}, which gathers every protocol's counters.
 */
public enum UdpCounter implements ProtocolCounter {
  RX_DATAGRAMS("UDP datagrams delivered to a listener"),
  RX_DROP_MALFORMED("UDP datagrams truncated or with an impossible length"),
  RX_DROP_BAD_CHECKSUM("UDP datagrams with a wrong checksum"),
  RX_DROP_NO_LISTENER("UDP datagrams to a closed port (answered with port unreachable when unicast)"),
  TX_DATAGRAMS("UDP datagrams sent"),
  TX_DROP_TOO_BIG("UDP datagrams over 65,507 bytes of payload"),
  TX_DROP_BAD_PORT("UDP datagrams with a source or destination port outside 0..65535"),
  RX_ICMP_ERRORS_MALFORMED("ICMP errors about UDP whose quoted datagram is too short for its ports"),
  RX_ICMP_ERRORS("ICMP errors about UDP datagrams we sent");

  private final String description;

  UdpCounter(String description) {
    this.description = description;
  }

  @Override
  public String protocol() {
    return "udp";
  }

  @Override
  public String description() {
    return description;
  }
}
