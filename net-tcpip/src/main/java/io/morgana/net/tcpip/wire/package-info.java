/**
 * Byte-level codecs of the stack: for each of Ethernet II, ARP, IPv4, ICMPv4 and UDP a reusable
 * flyweight ({@code XxxPacket}/{@link io.morgana.net.tcpip.wire.EthernetFrame}: absolute getters
 * and setters over a {@link io.netty.buffer.ByteBuf}, {@code *_OFFSET} constants, the RFC header
 * diagram in its Javadoc) and an immutable header record ({@code XxxHeader}: {@code parse},
 * {@code emit}), plus the Internet checksum ({@link io.morgana.net.tcpip.wire.Checksum}).
 *
 * <p>Parsing untrusted bytes throws {@link io.morgana.net.tcpip.wire.MalformedPacketException}
 * and nothing else, for any input. A flyweight's getters may be used once its {@code check}
 * passed. Nothing here logs, reads a clock or knows about dependency injection.
 */
package io.morgana.net.tcpip.wire;
