package io.morgana.net.packet.internal;

import java.lang.foreign.MemorySegment;

/**
 * The user side of a mapped receive ring: {@link BlockReceiveRing} ({@code TPACKET_V3}) or {@link
 * FrameReceiveRing} ({@code TPACKET_V2}). Entries are consumed in ring order, checked before they
 * are read (a bad one is a counted drop, never an exception), and handed back to the kernel.
 *
 * <p>Not thread-safe: one thread (the kernel loop) drains a ring.
 */
public interface ReceiveRing {

  /** Gets each well-formed frame, in order. */
  @FunctionalInterface
  interface FrameSink {
    /**
     * @param ring the whole ring; the frame is {@code length} bytes at {@code offset}, valid only
     *     during the call (its slot or block goes back to the kernel afterwards)
     * @param status the frame's {@code tp_status} ({@code TP_STATUS_CSUM*} bits)
     */
    void frame(MemorySegment ring, long offset, int length, int status);
  }

  /** Whether the next entry belongs to user space (there is something to {@link #drain}). */
  boolean ready();

  /**
   * Delivers up to {@code budget} entries (blocks of a V3 ring, frames of a V2 ring) to {@code
   * sink} and hands them back to the kernel.
   *
   * @return the number of entries consumed
   */
  int drain(FrameSink sink, int budget);

  /** Frames lost in the ring: malformed entries, frames the kernel truncated. */
  long droppedFrames();

  /** Entries (blocks or slots) found malformed. */
  long malformedEntries();

  /**
   * Whether an entry came back with {@code TP_STATUS_LOSING} since the last call (the kernel
   * dropped frames for want of room: read {@code PACKET_STATISTICS}); clears the flag.
   */
  boolean takeLosing();
}
