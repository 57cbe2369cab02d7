package io.morgana.sim;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * A system under test for the {@link Explorer}: how to build its {@link Simulation} for a seed
 * and a fault schedule, and how to draw a random fault schedule. The same seed and schedule must
 * build the same simulation.
 */
public interface Scenario {

  /** A random fault schedule (partitions, crashes) drawn from {@code random}. */
  FaultSchedule drawFaults(RandomGenerator random);

  /**
   * The simulation for {@code seed} with {@code faults} applied ({@link Simulation#faults}), its
   * invariants declared.
   */
  Simulation build(long seed, FaultSchedule faults);

  /** How much simulation time a run may take. */
  Duration duration();
}
