package io.morgana.runtime;

/**
 * The one thread that owns a kernel's protocol state: it reads devices, drives deadlines and runs
 * callbacks. Everything in a stack that is not documented as "any thread" runs here.
 *
 * <p>Protocol code does not read clocks or own timers: it implements {@link Pollable}, and the
 * loop calls {@link Pollable#poll(long)} with the time when a device is ready, when the earliest
 * {@link Pollable#nextDeadlineNanos()} has passed, or after {@link #wakeup()}. Two
 * implementations: {@link KernelLoop} (a real thread waiting on devices and the monotonic clock,
 * using no CPU when idle) and {@link DeterministicLoop} (driven by a test, on virtual time).
 */
public interface EventLoop {

  /** The loop's current time, in nanoseconds of its monotonic clock. Any thread. */
  long nowNanos();

  /** Whether the calling thread is this loop's thread. */
  boolean inLoop();

  /** Runs {@code task} on the loop thread, after tasks submitted earlier. Any thread. */
  void execute(Runnable task);

  /**
   * Runs {@code task} on the loop thread once {@link #nowNanos()} reaches {@code deadlineNanos}.
   * For applications and coarse timers; protocol state machines report deadlines through {@link
   * Pollable} instead. Any thread.
   */
  Cancellable schedule(long deadlineNanos, Runnable task);

  /**
   * Adds {@code pollable} to the loop: it is polled on every turn from now on, and the loop
   * sleeps no longer than its next deadline and wakes when its readiness descriptor is readable.
   * Any thread.
   */
  Cancellable register(Pollable pollable);

  /**
   * Makes the loop poll every {@link Pollable} soon, even if no deadline is due: a device that
   * received data on another thread (an in-memory switch, an event channel) calls this. Any
   * thread; cheap when the loop is already awake.
   */
  void wakeup();

  /** Something that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls it off; does nothing if it already ran or was cancelled. Any thread. */
    void cancel();
  }
}
