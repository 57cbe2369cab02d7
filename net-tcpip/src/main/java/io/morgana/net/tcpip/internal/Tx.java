package io.morgana.net.tcpip.internal;

import io.morgana.api.Netif;

/**
 * Per-packet metadata that travels with an outgoing packet from the transport down to {@link
 * Netif#write(io.netty.buffer.ByteBuf, int, int)}, as one {@code int} beside it: the device's
 * flags in the low 16 bits and, for a TCP super-segment the device cuts itself (TSO), the payload
 * bytes per segment in the high 16. 0 is a plain packet. Held in an {@code int} so that no layer
 * (nor ARP's queue of packets awaiting resolution) allocates to carry it.
 */
public final class Tx {

  /** The TCP/UDP checksum holds only the pseudo-header sum ({@link Netif#TX_CHECKSUM_PARTIAL}). */
  public static final int CHECKSUM_PARTIAL = Netif.TX_CHECKSUM_PARTIAL;

  /** Largest segment size that fits the encoding (and a {@code virtio_net_hdr}'s gso_size). */
  public static final int MAX_SEGMENT_BYTES = 0xffff;

  private Tx() {}

  /**
   * The metadata of a super-segment: a partial checksum, cut by the device into {@code
   * segmentBytes} payload bytes per segment (1 to {@value #MAX_SEGMENT_BYTES}).
   */
  public static int segmented(int segmentBytes) {
    if (segmentBytes <= 0 || segmentBytes > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException("segmentBytes out of range: " + segmentBytes);
    }
    return segmentBytes << 16 | CHECKSUM_PARTIAL;
  }

  /** The device flags of {@code tx} ({@link #CHECKSUM_PARTIAL} or 0). */
  public static int flags(int tx) {
    return tx & 0xffff;
  }

  /** The payload bytes per segment of {@code tx}, or 0 when the device is not to segment. */
  public static int segmentBytes(int tx) {
    return tx >>> 16;
  }
}
