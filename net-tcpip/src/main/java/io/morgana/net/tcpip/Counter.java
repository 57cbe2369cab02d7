package io.morgana.net.tcpip;

/**
 * What a {@link TcpipStack} counts: traffic per protocol and every reason a frame, datagram or
 * message was dropped. Read them through {@link TcpipStack#stats()}.
 */
public enum Counter {
  // Ethernet (RFC 894)
  ETHERNET_RX_FRAMES("frames received from the interface"),
  ETHERNET_RX_DROP_TRUNCATED("frames shorter than an Ethernet II header"),
  ETHERNET_RX_DROP_LENGTH_FRAME("IEEE 802.3 length frames (type field below 0x0600)"),
  ETHERNET_RX_DROP_VLAN("VLAN-tagged frames (802.1Q/802.1ad)"),
  ETHERNET_RX_DROP_NOT_FOR_US("frames for another unicast or a multicast address"),
  ETHERNET_RX_DROP_UNKNOWN_TYPE("frames of an EtherType nobody listens to"),
  ETHERNET_TX_FRAMES("frames handed to the interface"),
  ETHERNET_TX_DROP_TOO_LONG("frames longer than the interface MTU"),
  ETHERNET_TX_DROP_DEVICE("frames the interface refused"),
  // ARP (RFC 826, RFC 1122 §2.3.2, RFC 5227)
  ARP_RX_REQUESTS("ARP requests received"),
  ARP_RX_REPLIES("ARP replies received"),
  ARP_RX_DROP_MALFORMED("ARP packets that are truncated or not Ethernet/IPv4"),
  ARP_RX_DROP_UNKNOWN_OPERATION("ARP packets that are neither request nor reply"),
  ARP_RX_DROP_BOGUS_SENDER("ARP packets whose sender is ours, a group address or 0.0.0.0 (not learned)"),
  ARP_RX_IGNORED_NOT_FOR_US("ARP packets addressed to another host (not learned from)"),
  ARP_ADDRESS_CONFLICTS("ARP packets from another host claiming one of our addresses (RFC 5227)"),
  ARP_TX_REQUESTS("ARP requests sent"),
  ARP_TX_REPLIES("ARP replies sent"),
  ARP_TX_ANNOUNCEMENTS("gratuitous ARP announcements sent (RFC 5227 §2.3)"),
  ARP_RESOLUTION_FAILURES("addresses that did not answer our requests"),
  ARP_QUEUE_DROP_UNRESOLVED("queued packets dropped because their next hop did not resolve"),
  ARP_QUEUE_DROP_FULL("packets dropped because the queue awaiting resolution was full"),
  ARP_CACHE_EVICTIONS("cache entries evicted to make room"),
  // IPv4 (RFC 791, RFC 1122 §3.2.1)
  IPV4_RX_DATAGRAMS("IPv4 datagrams received (fragments counted once each)"),
  IPV4_RX_DROP_TRUNCATED("IPv4 datagrams shorter than their header"),
  IPV4_RX_DROP_BAD_VERSION("IPv4 datagrams whose version is not 4"),
  IPV4_RX_DROP_BAD_HEADER_LENGTH("IPv4 datagrams with IHL below 5 or past the end"),
  IPV4_RX_DROP_BAD_TOTAL_LENGTH("IPv4 datagrams whose total length is below the header or past the frame"),
  IPV4_RX_DROP_BAD_CHECKSUM("IPv4 datagrams with a wrong header checksum"),
  IPV4_RX_DROP_BAD_SOURCE("IPv4 datagrams from a broadcast, multicast or class E source (RFC 1122 §3.2.1.3)"),
  IPV4_RX_DROP_NOT_FOR_US("IPv4 datagrams addressed to another host"),
  IPV4_RX_DROP_LOOPBACK("IPv4 datagrams from the wire with a 127/8 source or destination (RFC 1122 §3.2.1.3 (g))"),
  IPV4_RX_DROP_UNKNOWN_PROTOCOL("IPv4 datagrams of a protocol nobody listens to"),
  IPV4_RX_FRAGMENTS("IPv4 fragments received"),
  IPV4_RX_REASSEMBLED("IPv4 datagrams reassembled from fragments"),
  IPV4_REASSEMBLY_DROP_OVERLAP("datagrams dropped whole because fragments overlapped"),
  IPV4_REASSEMBLY_DROP_TIMEOUT("datagrams dropped whole because fragments stopped coming (RFC 1122: 60 s)"),
  IPV4_REASSEMBLY_DROP_LIMIT("fragments or datagrams dropped at the reassembly memory limits"),
  IPV4_REASSEMBLY_DROP_MALFORMED("fragments with an impossible offset or length"),
  IPV4_REASSEMBLY_DUPLICATES("exact duplicate fragments ignored"),
  IPV4_TX_DATAGRAMS("IPv4 datagrams sent (before fragmentation)"),
  IPV4_TX_FRAGMENTS("IPv4 fragments sent"),
  IPV4_TX_DROP_NO_ROUTE("datagrams with no route (no gateway, multicast)"),
  IPV4_TX_DROP_UNCONFIGURED("datagrams sent before the interface had an address"),
  IPV4_TX_DROP_LOOPBACK("datagrams to 127/8, which must never reach the wire (RFC 1122 §3.2.1.3 (g))"),
  IPV4_TX_DROP_TOO_BIG("datagrams over 65,535 bytes"),
  IPV4_TX_DROP_FRAGMENTATION_NEEDED("datagrams over the MTU with Don't Fragment set (RFC 1191 semantics)"),
  // ICMPv4 (RFC 792, RFC 1122 §3.2.2)
  ICMP_RX_MESSAGES("ICMP messages received"),
  ICMP_RX_DROP_MALFORMED("ICMP messages truncated or with a wrong checksum"),
  ICMP_RX_DROP_BROADCAST_ECHO("echo requests to a broadcast address (RFC 1122 §3.2.2.6: may be ignored)"),
  ICMP_RX_ERRORS("ICMP error messages received"),
  ICMP_RX_ERRORS_DELIVERED("ICMP errors handed to the protocol they concern"),
  ICMP_TX_ECHO_REPLIES("echo replies sent"),
  ICMP_TX_ERRORS("ICMP error messages sent"),
  ICMP_TX_ERRORS_RATE_LIMITED("ICMP errors not sent because of the rate limit"),
  ICMP_TX_ERRORS_SUPPRESSED("ICMP errors not sent by RFC 1122 §3.2.2 (about errors, broadcasts, link-layer broadcasts, later fragments, non-host sources)"),
  ICMP_TX_MESSAGES("ICMP messages sent by applications"),
  // UDP (RFC 768)
  UDP_RX_DATAGRAMS("UDP datagrams delivered to a listener"),
  UDP_RX_DROP_MALFORMED("UDP datagrams truncated or with an impossible length"),
  UDP_RX_DROP_BAD_CHECKSUM("UDP datagrams with a wrong checksum"),
  UDP_RX_DROP_NO_LISTENER("UDP datagrams to a closed port (answered with port unreachable when unicast)"),
  UDP_TX_DATAGRAMS("UDP datagrams sent"),
  UDP_TX_DROP_TOO_BIG("UDP datagrams over 65,507 bytes of payload"),
  UDP_TX_DROP_BAD_PORT("UDP datagrams with a source or destination port outside 0..65535"),
  UDP_RX_ICMP_ERRORS("ICMP errors about UDP datagrams we sent"),
  // Stack
  HANDLER_FAILURES("exceptions thrown by handlers while a frame was processed (logged, frame dropped)"),
  // IPv4 reassembly memory budget (appended)
  IPV4_REASSEMBLY_EVICTED("incomplete datagrams dropped, oldest first, to bring reassembly memory back under its low threshold");

  private final String description;

  Counter(String description) {
    this.description = description;
  }

  /** What this counter counts. */
  public String description() {
    return description;
  }
}
