/**
 * DHCPv4 on the wire (RFC 2131 §2, RFC 2132, RFC 3396, RFC 3442): {@link
 * io.morgana.net.dhcp.wire.DhcpPacket} (offsets and the header diagram), {@link
 * io.morgana.net.dhcp.wire.DhcpMessage} (the validated record, {@code parse}/{@code emit}) and
 * {@link io.morgana.net.dhcp.wire.DhcpOptions}. Parsing untrusted bytes throws {@link
 * io.morgana.net.tcpip.wire.MalformedPacketException} and nothing else; no logging, clocks or
 * DI here.
 */
package io.morgana.net.dhcp.wire;
