package io.morgana.api;

import io.netty.buffer.ByteBuf;

/**
 * ICMPv4 (RFC 792, RFC 1122 §3.2.2). The stack answers echo requests and sends errors itself;
 * an application sees the rest (echo replies to its pings, errors nobody else took).
 *
 * <p><b>Threads:</b> {@link #listen} on the loop thread; {@link #write} from any thread.
 */
public interface Icmp {

  /** Echo reply (RFC 792). */
  int TYPE_ECHO_REPLY = 0;

  /** Destination unreachable (RFC 792). */
  int TYPE_DESTINATION_UNREACHABLE = 3;

  /** Echo request (RFC 792). */
  int TYPE_ECHO_REQUEST = 8;

  /** Time exceeded (RFC 792). */
  int TYPE_TIME_EXCEEDED = 11;

  /** Sets the handler for messages the stack does not consume itself. */
  void listen(IcmpHandler handler);

  /**
   * Sends an ICMP message: {@code body} is what follows the type, code and checksum (for an echo,
   * identifier, sequence number and data). The checksum is computed here. Takes ownership of
   * {@code body}.
   *
   * @return whether the message was sent or queued
   */
  boolean write(Ipv4Address destination, int type, int code, ByteBuf body);

  /** Receives ICMP messages. */
  @FunctionalInterface
  interface IcmpHandler {
    /** Called on the loop thread; {@code body} follows the checksum and is borrowed. */
    void onMessage(Ipv4Address source, int type, int code, ByteBuf body);
  }
}
