package io.morgana.runtime;

/** A monotonic clock in nanoseconds. Only event loops read it; protocol code is given the time. */
@FunctionalInterface
public interface Clock {

  /** The current time; only differences between two readings mean anything. */
  long nanoTime();

  /** The system's monotonic clock ({@link System#nanoTime()}). */
  Clock SYSTEM = System::nanoTime;
}
