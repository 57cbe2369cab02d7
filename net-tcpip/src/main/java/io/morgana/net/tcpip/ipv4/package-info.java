/**
 * IPv4 (RFC 791, RFC 1122 §3.2.1/§3.3): static configuration, on-link versus gateway routing,
 * limited and directed broadcast, fragmentation on send and bounded reassembly on receive, and
 * demultiplexing by protocol number.
 */
package io.morgana.net.tcpip.ipv4;
