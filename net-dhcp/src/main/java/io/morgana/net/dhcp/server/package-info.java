/**
 * The DHCPv4 server state machine (RFC 2131 §4.3): {@link io.morgana.net.dhcp.server.DhcpServer}
 * over one {@link io.morgana.net.dhcp.server.DhcpPool}, with its bindings persisted through its
 * host ({@link io.morgana.net.dhcp.server.LeaseDatabase} writes them to a file crash-safely).
 */
package io.morgana.net.dhcp.server;
