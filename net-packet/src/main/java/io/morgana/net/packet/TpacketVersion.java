package io.morgana.net.packet;

/**
 * The format of {@link PacketNetif}'s mapped rings ({@code PACKET_VERSION}), which decides how
 * soon a received frame reaches Morgana.
 *
 * <ul>
 *   <li>{@link #V3}: the kernel packs received frames into blocks and hands a block over when it
 *       is full or when its retire timer ({@link PacketConfig#retireTimeoutMillis()}, at least 1
 *       ms) fires; the socket wakes the loop once per block. Fewest wake-ups and system calls
 *       under load, but a frame on a quiet link waits for the timer: up to a millisecond per
 *       received frame.
 *   <li>{@link #V2}: one fixed-size slot per frame, handed over and signalled as soon as it is
 *       written — what libpcap's "immediate mode" uses for the same reason. The loop wakes per
 *       burst instead of per block: request/response traffic (ping, a web page) sees no retire
 *       delay.
 * </ul>
 *
 * <p>Both rings transmit the same way (fixed slots, one kick per loop turn). {@code
 * benchmarks/packet/run.sh} measures both against TAP.
 */
public enum TpacketVersion {
  /** {@code TPACKET_V2}: a slot per frame, no retire delay. */
  V2,
  /** {@code TPACKET_V3}: blocks of frames, retired when full or after the retire timeout. */
  V3;

  /**
   * Parses the value of {@code --packet-ring=}: {@code v2} or {@code v3}.
   *
   * @throws IllegalArgumentException quoting {@code text} otherwise
   */
  public static TpacketVersion parse(String text) {
    return switch (text == null ? "" : text) {
      case "v2", "V2" -> V2;
      case "v3", "V3" -> V3;
      default -> throw new IllegalArgumentException("expected v2 or v3, got \"" + text + "\"");
    };
  }
}
