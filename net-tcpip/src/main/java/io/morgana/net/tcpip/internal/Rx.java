package io.morgana.net.tcpip.internal;

import io.morgana.api.Netif;

/**
 * Per-packet metadata that travels with a received frame from the {@link Netif} up to the
 * transports, as an {@code int} of flags beside the arrival time: the state a layer would
 * otherwise keep "about the packet being processed" for another layer to read back.
 */
public final class Rx {

  /** The device verified the IPv4, TCP and UDP checksums ({@link Netif.FrameHandler#RX_CHECKSUM_VERIFIED}). */
  public static final int CHECKSUM_VERIFIED = Netif.FrameHandler.RX_CHECKSUM_VERIFIED;
  /**
   * The frame was a link-layer broadcast or multicast (for a reassembled datagram: any of its
   * fragments was); RFC 1122 §3.2.2 forbids ICMP errors about it.
   */
  public static final int LINK_BROADCAST = 1 << 1;
  /** The datagram never left this host: we sent it to our own address. */
  public static final int LOCAL = 1 << 2;

  private Rx() {}

  /** Whether {@code flags} has {@code flag}. */
  public static boolean has(int flags, int flag) {
    return (flags & flag) != 0;
  }
}
