/** examples/dhcp-server: Morgana's DHCPv4 server as a kernel over a TAP device. */
package io.morgana.examples.dhcpserver;
