/**
 * The DHCPv4 client state machine (RFC 2131 §4.4): {@link io.morgana.net.dhcp.client.DhcpClient}
 * takes parsed messages and the time, and acts through its {@link
 * io.morgana.net.dhcp.client.DhcpClient.Host}; {@link io.morgana.net.dhcp.client.DhcpLease} is
 * what it obtains.
 */
package io.morgana.net.dhcp.client;
