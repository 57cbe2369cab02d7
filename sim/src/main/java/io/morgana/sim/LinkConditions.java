package io.morgana.sim;

import java.time.Duration;

/**
 * What the cable between a kernel and a {@link Network}'s switch does to each frame: it takes
 * {@code latency} plus a uniform {@code jitter}, is serialised at {@code bitsPerSecond} behind
 * the frames before it (0: no limit), and with the given probabilities is lost, duplicated (a
 * second copy with its own delay), reordered (held back by up to four latencies plus a
 * millisecond, so later frames pass it) or corrupted (one bit flipped after the Ethernet header,
 * which checksums must catch). Every draw comes from the simulation's seed.
 */
public record LinkConditions(
    Duration latency, Duration jitter, double loss, double duplication, double reordering, double corruption,
    long bitsPerSecond) {

  /** A perfect link: 100 µs, nothing else. */
  public static final LinkConditions PERFECT =
      new LinkConditions(Duration.ofNanos(100_000), Duration.ZERO, 0, 0, 0, 0, 0);

  public LinkConditions {
    if (latency.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException("latency and jitter must not be negative");
    }
    for (double p : new double[] {loss, duplication, reordering, corruption}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probabilities are within [0, 1]: " + p);
      }
    }
    if (bitsPerSecond < 0) {
      throw new IllegalArgumentException("bitsPerSecond >= 0 (0: unlimited)");
    }
  }

  public LinkConditions withLatency(Duration latency, Duration jitter) {
    return new LinkConditions(latency, jitter, loss, duplication, reordering, corruption, bitsPerSecond);
  }

  public LinkConditions withLoss(double loss) {
    return new LinkConditions(latency, jitter, loss, duplication, reordering, corruption, bitsPerSecond);
  }

  public LinkConditions withDuplication(double duplication) {
    return new LinkConditions(latency, jitter, loss, duplication, reordering, corruption, bitsPerSecond);
  }

  public LinkConditions withReordering(double reordering) {
    return new LinkConditions(latency, jitter, loss, duplication, reordering, corruption, bitsPerSecond);
  }

  public LinkConditions withCorruption(double corruption) {
    return new LinkConditions(latency, jitter, loss, duplication, reordering, corruption, bitsPerSecond);
  }

  public LinkConditions withBandwidth(long bitsPerSecond) {
    return new LinkConditions(latency, jitter, loss, duplication, reordering, corruption, bitsPerSecond);
  }
}
