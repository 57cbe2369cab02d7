package io.morgana.net.tcpip.wire;

import io.netty.buffer.ByteBuf;

/**
 * The options of an IPv4 header (RFC 791 §3.1 "Options"), checked as a receiver must (RFC 1122
 * §3.2.1.8): each option is End of Option List (0), No Operation (1), or a type, a length of at
 * least 2 that stays inside the header, and that many bytes.
 *
 * <pre>
 *   +--------+--------+--------//--------+
 *   |  type  | length |  data (length-2) |      type: copied(1) class(2) number(5)
 *   +--------+--------+--------//--------+
 * </pre>
 *
 * Source-route options — Loose (131) and Strict (137) Source and Record Route — are recognised so
 * that the stack can refuse them as Linux does by default ({@code accept_source_route = 0}).
 * Allocation-free: {@link #check} returns a code instead of throwing, because a malformed option
 * is answered with an ICMP parameter problem whose pointer names the bad byte (RFC 792).
 */
public final class Ipv4Options {

  /** {@link #check}: the options are well formed and route nothing. */
  public static final int VALID = -1;
  /** {@link #check}: a Loose or Strict Source Route option is present. */
  public static final int SOURCE_ROUTED = -2;

  /** End of Option List. */
  public static final int EOL = 0;
  /** No Operation. */
  public static final int NOP = 1;
  /** Loose Source and Record Route. */
  public static final int LSRR = 131;
  /** Strict Source and Record Route. */
  public static final int SSRR = 137;

  private Ipv4Options() {}

  /**
   * Checks the options of the validated header {@code h} (whose IHL is within the datagram).
   *
   * @return {@link #VALID}, {@link #SOURCE_ROUTED}, or the offset, from the first header byte, of
   *     the byte that is wrong (the parameter problem's pointer)
   */
  public static int check(Ipv4Packet h) {
    ByteBuf buf = h.buffer();
    int start = h.offset();
    int end = h.headerLength();
    boolean sourceRouted = false;
    int i = Ipv4Packet.MIN_HEADER_LENGTH;
    while (i < end) {
      int type = buf.getUnsignedByte(start + i);
      if (type == EOL) {
        break;
      }
      if (type == NOP) {
        i++;
        continue;
      }
      if (i + 1 >= end) {
        return i; // a type with no room for its length
      }
      int length = buf.getUnsignedByte(start + i + 1);
      if (length < 2 || i + length > end) {
        return i + 1;
      }
      if (type == LSRR || type == SSRR) {
        sourceRouted = true;
      }
      i += length;
    }
    return sourceRouted ? SOURCE_ROUTED : VALID;
  }
}
