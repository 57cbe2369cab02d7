package io.morgana.runtime;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A kernel's one source of randomness: secret keys (RFC 6528 initial sequence numbers), DHCP
 * transaction ids and retransmission jitter, hash seeds. Protocol code never creates a {@code
 * Random} of its own; it is given what it needs from the {@link EventLoop#entropy() loop's
 * entropy}, the same way it is given the time.
 *
 * <p>Two kinds: {@link #secure()} (production: every draw from a {@link SecureRandom}) and {@link
 * #seeded(long)} (tests and simulations: the same seed gives the same draws, so a run replays).
 * A kernel draws its values while it is built and on its loop thread, both in a fixed order, so
 * a seeded kernel draws the same values in every run.
 *
 * <p>Thread-safe.
 */
public interface Entropy {

  /**
   * 64 random bits. From a {@link #secure()} source these are fit for secret keys.
   */
  long nextLong();

  /**
   * A generator for one consumer that draws many values that need not be secret (transaction ids,
   * jitter, hash seeds), seeded from this source: independent of later draws here.
   */
  default RandomGenerator newGenerator() {
    return new SplittableRandom(nextLong());
  }

  /** Whether the values repeat from run to run (a {@link #seeded} source). */
  boolean isSeeded();

  /** The production source: a shared {@link SecureRandom}. */
  static Entropy secure() {
    return SecureEntropy.INSTANCE;
  }

  /** A deterministic source: the same {@code seed}, the same sequence of values. */
  static Entropy seeded(long seed) {
    return new SeededEntropy(seed);
  }
}

/** {@link Entropy#secure()}. */
final class SecureEntropy implements Entropy {
  static final SecureEntropy INSTANCE = new SecureEntropy();

  private final SecureRandom random = new SecureRandom();

  @Override
  public long nextLong() {
    return random.nextLong();
  }

  @Override
  public boolean isSeeded() {
    return false;
  }

  @Override
  public String toString() {
    return "Entropy.secure()";
  }
}

/** {@link Entropy#seeded(long)}. */
final class SeededEntropy implements Entropy {
  private final long seed;
  private final SplittableRandom random;

  SeededEntropy(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public synchronized long nextLong() {
    return random.nextLong();
  }

  @Override
  public boolean isSeeded() {
    return true;
  }

  @Override
  public String toString() {
    return "Entropy.seeded(" + seed + ")";
  }
}
