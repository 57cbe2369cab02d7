/**
 * ICMPv4 (RFC 792, RFC 1122 §3.2.2): echo replies, rate-limited error generation, and delivery of
 * received errors to the transport they concern.
 */
package io.morgana.net.tcpip.icmp;
