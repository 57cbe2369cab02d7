package io.morgana.net.tcpip.ip;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Offloads;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.netty.buffer.ByteBuf;

/**
 * The network layer as the transports above it see it: one registration path, sending with the
 * loop's time, the few address questions a transport asks, and the reporting of errors. ICMP, UDP
 * and TCP depend on this interface, never on {@code Ipv4Layer}; nothing below calls back up
 * except through the {@link Transport}s registered here. Loop thread only, except where a method
 * says otherwise.
 */
public interface IpLayer {

  /** Headroom a transport leaves in front of its header for this layer and the link below. */
  int headroom();

  /**
   * Attaches {@code transport} to its protocol number.
   *
   * @throws IllegalStateException if another transport has that protocol
   */
  void register(Transport transport);

  /** The transport registered for {@code protocol}, or null. */
  Transport transport(int protocol);

  /**
   * Sends {@code payload} (owned by the call) to {@code destination} as one datagram of {@code
   * protocol} at {@code now}.
   *
   * @param flags {@code Ip.DONT_FRAGMENT} or 0
   * @return false if it was dropped at once (counted)
   */
  boolean send(Ipv4Address destination, int protocol, ByteBuf payload, int flags, long now);

  /**
   * As {@link #send(Ipv4Address, int, ByteBuf, int, long)} with the datagram's {@link
   * io.morgana.net.tcpip.internal.Tx} metadata for the device: a partial transport checksum,
   * and for a TCP super-segment the payload bytes per segment. A super-segment (above {@link
   * #mtu()}) leaves as one datagram with Don't Fragment set, never fragmented, and only over a
   * device whose {@link #offloads()} segment; without one it is refused and counted. The default,
   * for a layer with no device below (tests' fakes), sends it as a plain datagram: only a
   * transport that read {@link #offloads()} passes metadata, and the default offers none.
   */
  default boolean send(Ipv4Address destination, int protocol, ByteBuf payload, int flags, int tx, long now) {
    return send(destination, protocol, payload, flags, now);
  }

  /** What the device below does for the transports; {@link Offloads#NONE} by default. */
  default Offloads offloads() {
    return Offloads.NONE;
  }

  /**
   * Any thread: refuses at once (releasing {@code payload}, counting the refusal) a datagram to
   * 127/8, which would never be sent, so that an any-thread {@code write} can tell its caller.
   *
   * @return whether it was refused
   */
  boolean refusedAsLoopback(Ipv4Address destination, ByteBuf payload);

  /** The source address a datagram to {@code destination} carries. */
  Ipv4Address sourceFor(Ipv4Address destination);

  /** The largest payload one datagram carries without fragmentation. */
  int mtu();

  /** Whether {@code address} is our unicast address. */
  boolean isOurUnicast(int address);

  /**
   * Reports that {@code original} (a received datagram, borrowed) deserves an ICMP error of
   * {@code type}/{@code code} ({@code restOfHeader} is the error's second word). The layer applies
   * RFC 1122 §3.2.2's rules (never about errors, broadcasts, link-layer broadcasts, later
   * fragments, or sources that name no single host) and its rate limits, then sends it or counts
   * why not.
   *
   * @param rxFlags the datagram's {@link io.morgana.net.tcpip.internal.Rx} flags
   */
  void reportError(int type, int code, int restOfHeader, Ipv4Packet original, int rxFlags, long now);
}
