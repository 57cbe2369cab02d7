package io.morgana.runtime;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one thread that owns a kernel's protocol state: it reads devices, drives deadlines and runs
 * callbacks. Everything in a stack that is not documented as "any thread" runs here.
 *
 * <p>Protocol code does not read clocks or own timers: it implements {@link Pollable}, and the
 * loop calls {@link Pollable#poll(long)} with the time when a device is ready, when the earliest
 * {@link Pollable#nextDeadlineNanos()} has passed, or after {@link #wakeup()}. Two
 * implementations: {@link KernelLoop} (a real thread waiting on devices and the monotonic clock,
 * using no CPU when idle) and {@link DeterministicLoop} (driven by a test, on virtual time).
 *
 * <p>Application threads reach the loop only through {@link LoopBridge}: its any-thread writes,
 * its blocking calls ({@link #join}) and {@link #offload} for blocking work started from a loop
 * callback.
 */
public interface EventLoop {

  /** The loop's current time, in nanoseconds of its monotonic clock. Any thread. */
  long nowNanos();

  /**
   * The kernel's source of randomness, as the loop is its source of time: {@link
   * Entropy#secure()} unless the loop was built with another ({@link DeterministicLoop} is seeded,
   * so that a test or a simulation replays). Any thread.
   */
  default Entropy entropy() {
    return Entropy.secure();
  }

  /**
   * Whether the calling thread is this loop's thread. For {@link LoopBridge} and the loops
   * themselves: a protocol layer never asks.
   */
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

  /**
   * Runs blocking {@code work} (file I/O, a blocking Morgana call, a slow computation) off the
   * loop — on a virtual thread of its own in a {@link KernelLoop}, one piece at a time at defined
   * points of the turns in a {@link DeterministicLoop} — and completes the returned stage on the
   * loop thread with its result or failure, so dependent actions run on the loop. Any thread.
   */
  <T> CompletionStage<T> offload(Callable<T> work);

  /**
   * Waits, on an application thread, for {@code stage}, which the loop completes; returns its
   * result. The blocking half of {@link LoopBridge#call}.
   *
   * @param call the blocking API call being made, for the error message ({@code "Flow.read"})
   * @throws IllegalStateException at once when called on a loop thread
   * @throws IOException the failure the stage completed with (unchecked failures are rethrown
   *     as they are), or {@link java.io.InterruptedIOException} when the thread is interrupted
   */
  <T> T join(String call, CompletableFuture<T> stage) throws IOException;

  /** Something that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls it off; does nothing if it already ran or was cancelled. Any thread. */
    void cancel();
  }
}
