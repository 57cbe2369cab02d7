package io.morgana.api;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * IPv4 (RFC 791, RFC 1122 §3): addressing, routing to on-link hosts or the gateway,
 * fragmentation and reassembly, and demultiplexing by protocol number.
 *
 * <p><b>Threads:</b> {@link #listen} on the loop thread; {@link #write} from any thread (off the
 * loop it is handed to the loop); accessors from any thread.
 */
public interface Ip {

  /** IP protocol number of ICMP (RFC 792). */
  int PROTOCOL_ICMP = 1;

  /** IP protocol number of TCP (RFC 9293). */
  int PROTOCOL_TCP = 6;

  /** IP protocol number of UDP (RFC 768). */
  int PROTOCOL_UDP = 17;

  /** {@link #write} flag: set the Don't Fragment bit; a datagram that does not fit is dropped. */
  int DONT_FRAGMENT = 1;

  /**
   * The interface address and network, or empty before the interface is configured (a DHCP
   * client configures it later).
   */
  Optional<Ipv4Cidr> address();

  /** The default gateway, if any. */
  Optional<Ipv4Address> gateway();

  /**
   * Sets the interface address and gateway ({@code gateway} may be null), replacing the earlier
   * configuration; used by static configuration at boot and by a DHCP client.
   */
  void configure(Ipv4Cidr address, Ipv4Address gateway);

  /** The largest payload one datagram carries without fragmentation. */
  int mtu();

  /**
   * Sets the handler for datagrams of {@code protocol} addressed to us (reassembled if they were
   * fragmented), replacing an earlier one set here.
   *
   * @throws IllegalStateException if the stack itself serves {@code protocol} (ICMP, UDP, TCP)
   */
  void listen(int protocol, IpHandler handler);

  /** Sends {@code payload} as one datagram of {@code protocol}; see {@link #write(Ipv4Address, int, ByteBuf, int)}. */
  default boolean write(Ipv4Address destination, int protocol, ByteBuf payload) {
    return write(destination, protocol, payload, 0);
  }

  /**
   * Sends {@code payload} to {@code destination} as one datagram of {@code protocol},
   * fragmenting it when it exceeds {@link #mtu()} unless {@link #DONT_FRAGMENT} is given.
   *
   * <p>Takes ownership of {@code payload}, and writes headers in place only into a buffer that is
   * exclusively its own (not derived from another, referenced once, writable, with headroom);
   * anything else is copied once. Resolution of the next hop may delay the send; a
   * datagram whose next hop cannot be resolved is dropped and counted.
   *
   * @param flags {@link #DONT_FRAGMENT} or 0
   * @return {@code false} if the datagram was dropped at once (no route, too big with DF,
   *     unconfigured interface), {@code true} if it was sent or queued
   */
  boolean write(Ipv4Address destination, int protocol, ByteBuf payload, int flags);

  /** The source address a datagram to {@code destination} carries. */
  Ipv4Address sourceFor(Ipv4Address destination);

  /** Receives the payloads of datagrams of one protocol. */
  @FunctionalInterface
  interface IpHandler {
    /**
     * Called on the loop thread with the datagram's payload (borrowed; retain what you keep).
     * Implementations may pass the same address instances for equal addresses.
     */
    void onDatagram(Ipv4Address source, Ipv4Address destination, ByteBuf payload);
  }
}
