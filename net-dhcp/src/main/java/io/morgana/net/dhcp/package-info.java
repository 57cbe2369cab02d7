/**
 * DHCPv4 for Morgana's stack: the client ({@link io.morgana.net.dhcp.StackDhcpClient}, {@link
 * io.morgana.net.dhcp.DhcpClientModule}, {@link io.morgana.net.dhcp.Ipv4ConfigModule}) and the
 * server ({@link io.morgana.net.dhcp.StackDhcpServer}, {@link io.morgana.net.dhcp.DhcpServerModule}).
 * State machines live in {@code client} and {@code server}, bytes in {@code wire}.
 */
package io.morgana.net.dhcp;
