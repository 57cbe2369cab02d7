package io.morgana.net.tcpip.arp;

import io.morgana.net.tcpip.internal.ProtocolCounter;

/**
 * What the arp layer counts: ARP (RFC 826, RFC 1122 §2.3.2, RFC 5227). Owned by the layer; read through {@link
 * io.morgana.net.tcpip.TcpipStack#stats()}, which gathers every protocol's counters.
 */
public enum ArpCounter implements ProtocolCounter {
  RX_REQUESTS("ARP requests received"),
  RX_REPLIES("ARP replies received"),
  RX_DROP_MALFORMED("ARP packets that are truncated or not Ethernet/IPv4"),
  RX_DROP_UNKNOWN_OPERATION("ARP packets that are neither request nor reply"),
  RX_DROP_BOGUS_SENDER("ARP packets whose sender is ours, a group address or 0.0.0.0 (not learned)"),
  RX_IGNORED_NOT_FOR_US("ARP packets addressed to another host (not learned from)"),
  ADDRESS_CONFLICTS("ARP packets from another host claiming one of our addresses (RFC 5227)"),
  TX_REQUESTS("ARP requests sent"),
  TX_REPLIES("ARP replies sent"),
  TX_ANNOUNCEMENTS("gratuitous ARP announcements sent (RFC 5227 §2.3)"),
  RESOLUTION_FAILURES("addresses that did not answer our requests"),
  QUEUE_DROP_UNRESOLVED("queued packets dropped because their next hop did not resolve"),
  QUEUE_DROP_FULL("packets dropped because the queue awaiting resolution was full"),
  CACHE_EVICTIONS("cache entries evicted to make room");

  private final String description;

  ArpCounter(String description) {
    this.description = description;
  }

  @Override
  public String protocol() {
    return "arp";
  }

  @Override
  public String description() {
    return description;
  }
}
