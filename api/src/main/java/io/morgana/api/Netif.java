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
