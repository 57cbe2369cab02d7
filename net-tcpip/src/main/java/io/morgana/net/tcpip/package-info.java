/**
 * A pure-Java TCP/IP stack over any {@link io.morgana.api.Netif}: Ethernet, ARP, IPv4, ICMPv4 and
 * UDP (TCP joins later, see {@link io.morgana.net.tcpip.TcpipStackModule}).
 *
 * <p>This package holds the composition: {@link io.morgana.net.tcpip.TcpipStack} (the layers
 * over one interface, a {@link io.morgana.runtime.Pollable} on the kernel loop), the Dagger
 * modules {@link io.morgana.net.tcpip.TcpipStackModule} and {@link
 * io.morgana.net.tcpip.StaticIpv4Module}, the {@link io.morgana.net.tcpip.Ipv4Config} and the
 * counters ({@link io.morgana.net.tcpip.Counter}, {@link io.morgana.net.tcpip.TcpipStats}).
 * Byte-level codecs live in {@code wire}; protocol state machines in {@code ethernet}, {@code
 * arp}, {@code ipv4}, {@code icmp} and {@code udp}.
 */
package io.morgana.net.tcpip;
