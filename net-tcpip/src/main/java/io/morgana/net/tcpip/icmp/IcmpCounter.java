package io.morgana.net.tcpip.icmp;

import io.morgana.net.tcpip.internal.ProtocolCounter;

/**
 * What the icmp layer counts: ICMPv4 (RFC 792): messages received, echo replies and messages sent. Owned by the layer; read through {@link
 * io.morgana.net.tcpip.TcpipStack#stats()}, which gathers every protocol's counters.
 */
public enum IcmpCounter implements ProtocolCounter {
  RX_MESSAGES("ICMP messages received"),
  RX_DROP_MALFORMED("ICMP messages truncated or with a wrong checksum"),
  RX_DROP_BROADCAST_ECHO("echo requests to a broadcast address (RFC 1122 §3.2.2.6: may be ignored)"),
  RX_ERRORS("ICMP error messages received"),
  RX_ERRORS_DELIVERED("ICMP errors handed to the protocol they concern"),
  TX_ECHO_REPLIES("echo replies sent"),
  TX_MESSAGES("ICMP messages sent by applications");

  private final String description;

  IcmpCounter(String description) {
    this.description = description;
  }

  @Override
  public String protocol() {
    return "icmp";
  }

  @Override
  public String description() {
    return description;
  }
}
