package io.morgana.sim;

import io.morgana.runtime.AdjustableClock;

/**
 * A kernel's own monotonic clock in a {@link Simulation}: {@code local = offset + t × (1 +
 * driftPpm / 10⁶)} for the simulation's time {@code t}, so that two kernels disagree on the time
 * (skew, {@code offset}) and on the length of a second (drift) as real machines do. The simulation
 * moves it ({@link #advanceTo}); a kernel's {@link io.morgana.runtime.DeterministicLoop} reads it.
 *
 * <p>Driven by the simulation's one thread.
 */
public final class SimClock implements AdjustableClock {

  private final long offsetNanos;
  private final long driftPpm;
  private long local;

  /**
   * @param offsetNanos what the clock reads at simulation time 0 (skew; not negative)
   * @param driftPpm how many nanoseconds per millisecond, in parts per million, it runs fast
   *     (positive) or slow (negative); between -1000 and 1000
   */
  public SimClock(long offsetNanos, long driftPpm) {
    if (offsetNanos < 0 || driftPpm < -1000 || driftPpm > 1000) {
      throw new IllegalArgumentException("offset >= 0 and drift within ±1000 ppm: " + offsetNanos + ", " + driftPpm);
    }
    this.offsetNanos = offsetNanos;
    this.driftPpm = driftPpm;
    this.local = offsetNanos;
  }

  /** The local reading at simulation time {@code t} (up to about 100 simulated days). */
  public long localAt(long t) {
    return offsetNanos + t + Math.floorDiv(Math.multiplyExact(t, driftPpm), 1_000_000L);
  }

  /**
   * The earliest simulation time at which this clock reads {@code localNanos} or later (at least
   * {@code notBefore}).
   */
  public long simTimeOf(long localNanos, long notBefore) {
    if (localNanos == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    if (localAt(notBefore) >= localNanos) {
      return notBefore;
    }
    double guess = (localNanos - offsetNanos) / (1.0 + driftPpm / 1e6);
    long t = Math.max(notBefore, (long) Math.floor(guess) - 2);
    while (localAt(t) < localNanos) {
      t++;
    }
    return t;
  }

  /** Moves the clock to the reading at simulation time {@code t}. */
  void setSimTime(long t) {
    long l = localAt(t);
    if (l > local) {
      local = l;
    }
  }

  @Override
  public long nanoTime() {
    return local;
  }

  /**
   * Called by the kernel's loop when it runs to a deadline; the simulation never lets a kernel's
   * loop run past the simulation's time, so this only confirms a reading already reached.
   */
  @Override
  public void advanceTo(long nanos) {
    if (nanos < local) {
      throw new IllegalArgumentException("time runs forward: " + nanos + " < " + local);
    }
    local = nanos;
  }

  public long offsetNanos() {
    return offsetNanos;
  }

  public long driftPpm() {
    return driftPpm;
  }
}
