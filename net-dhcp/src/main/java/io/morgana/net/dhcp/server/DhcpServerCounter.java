package io.morgana.net.dhcp.server;

import io.morgana.net.tcpip.internal.ProtocolCounter;

/** What the DHCP server counts ({@code dhcp-server.NAME}). */
public enum DhcpServerCounter implements ProtocolCounter {
  RX_DISCOVERS("DISCOVERs"),
  RX_REQUESTS("REQUESTs"),
  RX_DECLINES("DECLINEs"),
  RX_RELEASES("RELEASEs"),
  RX_INFORMS("INFORMs"),
  RX_DROP_MALFORMED("datagrams to port 67 that are no valid DHCP message"),
  RX_IGNORED("messages not for this server: replies, other servers' selections, unknown relays, unusable types"),
  TX_OFFERS("OFFERs sent"),
  TX_ACKS("ACKs sent"),
  TX_NAKS("NAKs sent"),
  POOL_EXHAUSTED("DISCOVERs left unanswered for want of a free address"),
  LEASES_EXPIRED("bindings collected at expiry"),
  PERSIST_FAILURES("lease database writes that failed (the ACKs waiting on them were not sent)");

  private final String description;

  DhcpServerCounter(String description) {
    this.description = description;
  }

  @Override
  public String protocol() {
    return "dhcp-server";
  }

  @Override
  public String description() {
    return description;
  }
}
