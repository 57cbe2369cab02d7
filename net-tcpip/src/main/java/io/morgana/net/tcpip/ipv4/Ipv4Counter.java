package io.morgana.net.tcpip.ipv4;

import io.morgana.net.tcpip.internal.ProtocolCounter;

/**
 * What the ipv4 layer counts: IPv4 (RFC 791, RFC 1122 §3), including the ICMP errors IPv4 generates for the layers above it (RFC 1122 §3.2.2). Owned by the layer; read through {@link
 * io.morgana.net.tcpip.TcpipStack#stats()}, which gathers every protocol's counters.
 */
public enum Ipv4Counter implements ProtocolCounter {
  RX_DATAGRAMS("IPv4 datagrams received (fragments counted once each)"),
  RX_DROP_TRUNCATED("IPv4 datagrams shorter than their header"),
  RX_DROP_BAD_VERSION("IPv4 datagrams whose version is not 4"),
  RX_DROP_BAD_HEADER_LENGTH("IPv4 datagrams with IHL below 5 or past the end"),
  RX_DROP_BAD_TOTAL_LENGTH("IPv4 datagrams whose total length is below the header or past the frame"),
  RX_DROP_BAD_CHECKSUM("IPv4 datagrams with a wrong header checksum"),
  RX_DROP_BAD_SOURCE("IPv4 datagrams from a broadcast, multicast or class E source (RFC 1122 §3.2.1.3)"),
  RX_DROP_NOT_FOR_US("IPv4 datagrams addressed to another host"),
  RX_DROP_OWN_SOURCE("IPv4 datagrams from the wire claiming one of our addresses as their source (martians)"),
  RX_DROP_ZERO_SOURCE("IPv4 datagrams from 0.0.0.0 to anything but the limited broadcast"),
  RX_DROP_BAD_OPTIONS("IPv4 datagrams with malformed options (answered with ICMP parameter problem)"),
  RX_DROP_SOURCE_ROUTED("IPv4 datagrams with a loose or strict source route option (refused, as Linux does by default)"),
  RX_DROP_LOOPBACK("IPv4 datagrams from the wire with a 127/8 source or destination (RFC 1122 §3.2.1.3 (g))"),
  RX_DROP_UNKNOWN_PROTOCOL("IPv4 datagrams of a protocol nobody listens to"),
  RX_FRAGMENTS("IPv4 fragments received"),
  RX_REASSEMBLED("IPv4 datagrams reassembled from fragments"),
  REASSEMBLY_DROP_OVERLAP("datagrams dropped whole because fragments overlapped"),
  REASSEMBLY_DROP_TIMEOUT("datagrams dropped whole because fragments stopped coming (30 s, Linux's ipfrag_time)"),
  REASSEMBLY_DROP_LIMIT("fragments or datagrams dropped at the reassembly memory limits"),
  REASSEMBLY_DROP_MALFORMED("fragments with an impossible offset or length"),
  REASSEMBLY_EVICTED("incomplete datagrams evicted, oldest first, to keep reassembly within its memory budget"),
  REASSEMBLY_DUPLICATES("exact duplicate fragments ignored"),
  TX_DROP_LOCAL_QUEUE_FULL("datagrams to our own address dropped because the local delivery queue was full"),
  TX_DATAGRAMS("IPv4 datagrams sent (before fragmentation)"),
  TX_FRAGMENTS("IPv4 fragments sent"),
  TX_SEGMENTATION_OFFLOADED("IPv4 datagrams above the MTU handed to the device to cut into TCP segments (TSO)"),
  TX_DROP_NO_ROUTE("datagrams with no route (no gateway, multicast)"),
  TX_DROP_UNCONFIGURED("datagrams sent before the interface had an address"),
  TX_DROP_LOOPBACK("datagrams to 127/8, which must never reach the wire (RFC 1122 §3.2.1.3 (g))"),
  TX_DROP_TOO_BIG("datagrams over 65,535 bytes"),
  TX_DROP_FRAGMENTATION_NEEDED("datagrams over the MTU with Don't Fragment set (RFC 1191 semantics)"),
  TX_ICMP_ERRORS("ICMP error messages sent"),
  TX_ICMP_ERRORS_RATE_LIMITED("ICMP errors not sent because of the rate limit"),
  TX_ICMP_ERRORS_SUPPRESSED("ICMP errors not sent by RFC 1122 §3.2.2 (about errors, broadcasts, link-layer broadcasts, later fragments, non-host sources)");

  private final String description;

  Ipv4Counter(String description) {
    this.description = description;
  }

  @Override
  public String protocol() {
    return "ipv4";
  }

  @Override
  public String description() {
    return description;
  }
}
