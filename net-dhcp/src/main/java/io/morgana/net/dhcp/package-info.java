/**
 * DHCPv4 (RFC 2131, RFC 2132): a client that configures the stack, and a server.
 */
package io.morgana.net.dhcp;
