package io.morgana.net.tcpip.ethernet;

import io.morgana.net.tcpip.internal.ProtocolCounter;

/**
 * What the ethernet layer counts: Ethernet II (RFC 894). Owned by the layer; read through {@link
 * io.morgana.net.tcpip.TcpipStack#stats()}, which gathers every protocol's counters.
 */
public enum EthernetCounter implements ProtocolCounter {
  RX_FRAMES("frames received from the interface"),
  RX_DROP_TRUNCATED("frames shorter than an Ethernet II header"),
  RX_DROP_LENGTH_FRAME("IEEE 802.3 length frames (type field below 0x0600)"),
  RX_DROP_VLAN("VLAN-tagged frames (802.1Q/802.1ad)"),
  RX_DROP_NOT_FOR_US("frames for another unicast or a multicast address"),
  RX_DROP_UNKNOWN_TYPE("frames of an EtherType nobody listens to"),
  TX_FRAMES("frames handed to the interface"),
  TX_DROP_TOO_LONG("frames longer than the interface MTU"),
  TX_DROP_DEVICE("frames the interface refused"),
  RX_HANDLER_FAILURES("exceptions thrown by handlers while a frame was processed (logged, frame dropped)");

  private final String description;

  EthernetCounter(String description) {
    this.description = description;
  }

  @Override
  public String protocol() {
    return "ethernet";
  }

  @Override
  public String description() {
    return description;
  }
}
