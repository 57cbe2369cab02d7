/**
 * Ethernet II framing over a {@link io.morgana.api.Netif} (RFC 894): demultiplexing received
 * frames by EtherType, prepending headers to outgoing payloads.
 */
package io.morgana.net.tcpip.ethernet;
