package io.morgana.net.dhcp.client;

/** The client states of RFC 2131 §4.4 (Figure 5), plus the ARP check after an ACK and a stopped client. */
public enum DhcpClientState {
  /** No address; about to send a DISCOVER. */
  INIT,
  /** DISCOVER sent; waiting for an OFFER. */
  SELECTING,
  /** REQUEST for an offered address sent; waiting for the ACK. */
  REQUESTING,
  /** ACK received; probing the address with ARP (RFC 2131 §4.4.1, RFC 5227) before using it. */
  CHECKING,
  /** Address in use until T1. */
  BOUND,
  /** After T1: REQUEST unicast to the leasing server. */
  RENEWING,
  /** After T2: REQUEST broadcast to any server. */
  REBINDING,
  /** Starting with a remembered address; about to send a REQUEST for it. */
  INIT_REBOOT,
  /** REQUEST for the remembered address broadcast; waiting for ACK or NAK. */
  REBOOTING,
  /** Released or not started. */
  STOPPED
}
