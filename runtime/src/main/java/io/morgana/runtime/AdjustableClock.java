package io.morgana.runtime;

/** A clock that a test moves forward by hand; {@link DeterministicLoop} runs on one. */
public interface AdjustableClock extends Clock {

  /**
   * Sets the time to {@code nanos}.
   *
   * @throws IllegalArgumentException if that is earlier than the current time (monotonic)
   */
  void advanceTo(long nanos);
}
