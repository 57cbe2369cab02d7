package io.morgana.testkit;

import io.morgana.runtime.AdjustableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A monotonic clock that moves only when a test moves it. Give it to a {@link
 * io.morgana.runtime.DeterministicLoop} (which advances it in {@code advance}/{@code advanceTo}) or
 * read it directly in code that takes a {@link io.morgana.runtime.Clock}.
 *
 * <p>Any thread may read or advance it; time never goes backwards.
 */
public final class FakeClock implements AdjustableClock {

  private final AtomicLong now;

  /** A clock at time 0. */
  public FakeClock() {
    this(0);
  }

  /** A clock at {@code startNanos}. */
  public FakeClock(long startNanos) {
    this.now = new AtomicLong(startNanos);
  }

  @Override
  public long nanoTime() {
    return now.get();
  }

  /**
   * Sets the time to {@code nanos}.
   *
   * @throws IllegalArgumentException if {@code nanos} is earlier than the current time
   */
  @Override
  public void advanceTo(long nanos) {
    long prev = now.getAndAccumulate(nanos, Math::max);
    if (nanos < prev) {
      throw new IllegalArgumentException(
          "a FakeClock runs forward only: asked for t=" + nanos + " but it is already t=" + prev);
    }
  }

  /**
   * Moves the time forward by {@code duration} and returns the new time.
   *
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public long advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a FakeClock runs forward only: " + duration);
    }
    return now.addAndGet(duration.toNanos());
  }

  /** Moves the time forward by {@code nanos} nanoseconds and returns the new time. */
  public long advanceNanos(long nanos) {
    return advance(Duration.ofNanos(nanos));
  }

  @Override
  public String toString() {
    return "FakeClock[t=" + now.get() + "ns]";
  }
}
