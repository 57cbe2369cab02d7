package io.morgana.runtime;

/**
 * A participant of an {@link EventLoop}: a device or a protocol state machine that does its work
 * when polled and reports when it next needs to be (smoltcp's {@code poll}/{@code poll_delay},
 * Aeron's {@code doWork}).
 *
 * <p>Called only on the loop thread.
 */
public interface Pollable {

  /** No deadline: {@link #nextDeadlineNanos()} of a pollable that waits only for input. */
  long NO_DEADLINE = Long.MAX_VALUE;

  /**
   * Does whatever is ready or due at {@code nowNanos}: drains received frames, fires expired
   * timers, flushes output.
   *
   * @return {@code true} if it did any work (the loop then polls everyone again before it
   *     sleeps), {@code false} if there was nothing to do
   */
  boolean poll(long nowNanos);

  /** The earliest time at which {@link #poll} has work even with no new input, or {@link #NO_DEADLINE}. */
  long nextDeadlineNanos();

  /**
   * A file descriptor that becomes readable when this pollable has input (a TAP device, an
   * eventfd), or -1 when the pollable wakes the loop through {@link EventLoop#wakeup()} instead.
   */
  default int readinessFd() {
    return -1;
  }
}
