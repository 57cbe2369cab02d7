/**
 * UDP (RFC 768): ports, ephemeral port choice, checksums, port unreachable for closed ports, and
 * ICMP errors surfaced to the application through {@link io.morgana.net.tcpip.udp.UdpErrorHandler}.
 */
package io.morgana.net.tcpip.udp;
