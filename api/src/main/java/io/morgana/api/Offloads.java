package io.morgana.api;

/**
 * Work a network device does on the stack's behalf.
 *
 * @param rxChecksumVerified received frames' IPv4/TCP/UDP checksums were verified by the device
 *     (Xen's {@code NETRXF_data_validated}); the stack may skip verifying them
 * @param txChecksum the device fills in TCP/UDP checksums of frames it sends (Xen's {@code
 *     NETTXF_csum_blank}); the stack may leave them to it
 * @param maxSegmentBytes the largest TCP payload the device segments itself (TSO/GSO), or 0 when
 *     it does not segment
 */
public record Offloads(boolean rxChecksumVerified, boolean txChecksum, int maxSegmentBytes) {

  /** A device that does nothing for the stack. */
  public static final Offloads NONE = new Offloads(false, false, 0);

  public Offloads {
    if (maxSegmentBytes < 0) {
      throw new IllegalArgumentException("maxSegmentBytes must be >= 0, got " + maxSegmentBytes);
    }
  }
}
