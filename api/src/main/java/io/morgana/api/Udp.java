package io.morgana.api;

import io.netty.buffer.ByteBuf;

/**
 * UDP (RFC 768): datagrams to and from ports. Datagrams up to 65,507 bytes of payload are sent,
 * fragmented by IP when needed.
 *
 * <p><b>Threads:</b> {@link #listen}/{@link #unlisten} on the loop thread; {@link #write} from
 * any thread.
 */
public interface Udp {

  /** Length of the UDP header. */
  int HEADER_LENGTH = 8;

  /** The largest payload of one UDP datagram over IPv4: 65,535 − 20 − 8. */
  int MAX_PAYLOAD = 65_507;

  /**
   * Delivers datagrams addressed to {@code port} to {@code handler}.
   *
   * @throws IllegalStateException if the port already has a handler
   */
  void listen(int port, UdpHandler handler);

  /** Stops delivering datagrams for {@code port}; later ones get ICMP port unreachable. */
  void unlisten(int port);

  /**
   * Sends {@code payload} from {@code sourcePort} (0 picks an ephemeral port in 49152–65535) to
   * {@code destination}:{@code destinationPort}. Takes ownership of {@code payload}.
   *
   * <p>Headers are written in place in front of {@code payload} only when it is exclusively the
   * stack's to write: not a duplicate or slice of another buffer, referenced once, writable, with
   * the headroom (a buffer from the stack's {@code allocate} is). Anything else — a retained
   * duplicate of a received payload, for instance — is copied once; nothing the caller or the
   * interface still reads is ever written over.
   *
   * @return whether the datagram was sent or queued
   */
  boolean write(Ipv4Address destination, int destinationPort, int sourcePort, ByteBuf payload);

  /** Receives UDP datagrams. */
  @FunctionalInterface
  interface UdpHandler {
    /** Called on the loop thread; {@code payload} is borrowed (retain what you keep). */
    void onDatagram(
        Ipv4Address source, int sourcePort, Ipv4Address destination, int destinationPort, ByteBuf payload);
  }
}
