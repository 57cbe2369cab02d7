package io.morgana.net.dhcp.client;

import io.morgana.net.tcpip.internal.ProtocolCounter;

/** What the DHCP client counts ({@code dhcp-client.NAME}). */
public enum DhcpClientCounter implements ProtocolCounter {
  TX_DISCOVERS("DISCOVERs sent, retransmissions included"),
  TX_REQUESTS("REQUESTs sent: selecting, rebooting, renewing, rebinding"),
  TX_DECLINES("DECLINEs sent for an address found in use"),
  TX_RELEASES("RELEASEs sent"),
  RX_OFFERS("OFFERs taken"),
  RX_ACKS("ACKs taken"),
  RX_NAKS("NAKs taken"),
  RX_DROP_MALFORMED("datagrams to port 68 that are no valid DHCP message"),
  RX_IGNORED_NOT_OURS("replies for another transaction or hardware address, or not replies"),
  RX_IGNORED_UNEXPECTED("replies of a type or from a server the current state does not expect"),
  RX_IGNORED_INVALID("ACKs or OFFERs without an address, server identifier or lease time"),
  LEASES_BOUND("leases bound to a new address"),
  LEASES_RENEWED("leases extended by a renewal or rebinding"),
  LEASES_EXPIRED("leases that expired"),
  ADDRESS_CONFLICTS("offered addresses an ARP probe found in use");

  private final String description;

  DhcpClientCounter(String description) {
    this.description = description;
  }

  @Override
  public String protocol() {
    return "dhcp-client";
  }

  @Override
  public String description() {
    return description;
  }
}
