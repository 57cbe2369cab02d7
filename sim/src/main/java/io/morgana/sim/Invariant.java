package io.morgana.sim;

import java.util.Optional;

/**
 * A property of a whole simulated system, checked by the {@link Simulation} on its one thread —
 * after every step ({@link Simulation#invariant}) or once at the end ({@link
 * Simulation#finalCheck}). It reads the kernels' components and disks and must not change them.
 */
@FunctionalInterface
public interface Invariant {

  /** Empty while the property holds; otherwise what is wrong, with the evidence. */
  Optional<String> violation();
}
