/**
 * Address resolution from IPv4 to Ethernet (RFC 826, RFC 1122 §2.3.2, RFC 5227 announcements):
 * the neighbour cache, the queue of packets awaiting resolution, and the answers for our own
 * addresses.
 */
package io.morgana.net.tcpip.arp;
