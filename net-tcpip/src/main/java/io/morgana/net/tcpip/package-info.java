/**
 * A pure-Java TCP/IP stack over any {@link io.morgana.api.Netif}: Ethernet, ARP, IPv4, ICMPv4, UDP and TCP. Byte-level codecs live in the {@code wire} subpackage; protocol state machines in one subpackage each.
 */
package io.morgana.net.tcpip;
