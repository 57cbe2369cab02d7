package io.morgana.api;

import io.netty.buffer.ByteBuf;

/**
 * A network interface: sends and receives whole Ethernet II frames (destination, source,
 * EtherType, payload; no preamble, no frame check sequence).
 *
 * <p>The counterpart of MirageOS's {@code Mirage_net.S}. Implementations: a Linux TAP device
 * ({@code net-tap}), an interface owned through an {@code AF_PACKET} socket ({@code net-packet}), Xen
 * netfront ({@code xen-netfront}), in-memory switch ports ({@code testkit}).
 * An implementation attaches itself to the kernel loop it was constructed with and delivers
 * received frames on that loop's thread.
 *
 * <p><b>Threads:</b> {@link #listen} and {@link #write} are called on the kernel loop thread;
 * the accessors may be called from any thread.
 */
public interface Netif extends AutoCloseable {

  /** The address frames from this interface carry as their source. */
  MacAddress mac();

  /**
   * The largest Ethernet payload, in bytes, this interface sends and receives (1500 on a
   * classic Ethernet). A frame is at most {@code mtu() + 14} bytes.
   */
  int mtu();

  /** What the device does for the stack, so the stack skips that work. */
  Offloads offloads();

  /** Counters since the interface was opened. */
  NetifStats stats();

  /**
   * Sets the one handler that receives every frame from now on (replacing an earlier one).
   *
   * <p>The handler runs on the loop thread and borrows the frame: it must {@code retain()} what
   * it keeps past the call. Frames that arrive with no handler set are dropped and counted.
   */
  void listen(FrameHandler handler);

  /**
   * Sends one frame.
   *
   * <p>Takes ownership of {@code frame} (its readable bytes are the frame) whatever the outcome.
   * A stack above writes headers in place only into buffers that are exclusively its own (not a
   * duplicate or slice of a received frame, referenced once, writable) and copies anything else,
   * so a frame handed here never shares memory with a frame being received.
   * Frames longer than {@code mtu() + 14} bytes, or shorter than 14, are refused.
   *
   * @return {@code true} if the frame was handed to the device; {@code false} if it was dropped
   *     (device queue full, link down, too long) and counted in {@link NetifStats#txDropped()}
   */
  boolean write(ByteBuf frame);

  /**
   * {@link #write(ByteBuf, int, int)} flag: the frame is an IPv4 TCP or UDP packet whose checksum
   * field holds only the folded sum of its pseudo-header (RFC 793 §3.1, RFC 768), not
   * complemented — Linux's {@code CHECKSUM_PARTIAL} convention: the device sums from the
   * transport header to the frame's end and stores the complement in the field. Only for an
   * interface whose {@link Offloads#txChecksum()} is true.
   */
  int TX_CHECKSUM_PARTIAL = 1;

  /**
   * Sends one frame with what the device is asked to do for it: the per-frame half of {@link
   * #offloads()}, which the device cannot derive from the bytes (nothing in a TCP segment says
   * what its MSS is, nor whether its checksum is complete).
   *
   * <p>With {@code segmentBytes > 0} the frame is one TCP/IPv4 "super-segment" (TSO/GSO, carrying
   * {@link #TX_CHECKSUM_PARTIAL}) of up to {@link Offloads#maxSegmentBytes()} payload bytes: its
   * total length may exceed {@code mtu() + 14}, and the device cuts it into segments of {@code
   * segmentBytes} payload bytes (the last one shorter), each with the same headers but its own
   * sequence number, IPv4 identification, lengths and checksums, FIN and PSH on the last only.
   * A frame of at most {@code mtu() + 14} bytes is sent as it is whatever {@code segmentBytes}.
   *
   * <p>The default serves every interface that offloads nothing: a frame with {@code txFlags == 0}
   * goes to {@link #write(ByteBuf)}, which refuses (and counts) one above the MTU — a stack that
   * never sees {@link Offloads#maxSegmentBytes()} above 0 never sends one — and a frame asking for
   * a checksum it would not fill in is a caller's bug, refused with an exception rather than sent
   * with a wrong checksum. An interface that wraps another (a capture, a fault injector) overrides
   * this to pass the metadata through, or advertises no transmit offload.
   *
   * @param txFlags {@link #TX_CHECKSUM_PARTIAL} or 0
   * @param segmentBytes TCP payload bytes per segment of a super-segment, or 0
   * @return as {@link #write(ByteBuf)}
   * @throws IllegalArgumentException (having released {@code frame}) for flags the interface does
   *     not offer
   */
  default boolean write(ByteBuf frame, int txFlags, int segmentBytes) {
    if (txFlags != 0) {
      frame.release();
      throw new IllegalArgumentException(
          "txFlags " + txFlags + " asked of an interface that offloads no transmit checksum");
    }
    return write(frame);
  }

  /** Detaches from the device and the loop, releasing what the interface holds. Idempotent. */
  @Override
  void close();

  /**
   * Receives frames from a {@link Netif}, with what the device knows of each: when it arrived
   * and per-frame metadata ({@code RX_*} flags), passed down the stack as arguments (the way
   * smoltcp passes its timestamp into {@code poll}), so no layer reads a clock or asks the device
   * again.
   */
  @FunctionalInterface
  interface FrameHandler {
    /** {@code flags} bit: the device verified this frame's IPv4, TCP and UDP checksums. */
    int RX_CHECKSUM_VERIFIED = 1;

    /**
     * Called on the loop thread for each received frame; {@code frame}'s readable bytes are the
     * whole frame. Borrowed: retain what you keep.
     *
     * @param arrivalNanos when the frame was received, on the kernel loop's clock (the time of
     *     the loop turn that read it)
     * @param flags {@link #RX_CHECKSUM_VERIFIED}, or 0
     */
    void onFrame(ByteBuf frame, long arrivalNanos, int flags);
  }
}
