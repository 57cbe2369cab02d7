package io.morgana.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SimClockTest {

  @Test
  void skewAndDriftAsDeclared() {
    SimClock c = new SimClock(5_000_000_000L, 100);
    assertEquals(5_000_000_000L, c.localAt(0));
    assertEquals(5_000_000_000L + 1_000_000_000L + 100_000L, c.localAt(1_000_000_000L)); // 100 ppm fast
    SimClock slow = new SimClock(0, -250);
    assertEquals(10_000_000_000L - 2_500_000L, slow.localAt(10_000_000_000L));
  }

  @Test
  void refusesNegativeOffsetsAndAbsurdDrift() {
    assertThrows(IllegalArgumentException.class, () -> new SimClock(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new SimClock(0, 1001));
  }

  /** The simulation time found for a local deadline is the first at which the clock reads it. */
  @Property
  void simTimeOfIsTheFirstTimeTheClockReachesTheReading(
      @ForAll @LongRange(min = 0, max = 10_000_000_000L) long offset, @ForAll @LongRange(min = -1000, max = 1000) long ppm,
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long local, @ForAll @LongRange(min = 0, max = 1_000_000_000L) long notBefore) {
    SimClock c = new SimClock(offset, ppm);
    long t = c.simTimeOf(local, notBefore);
    assertTrue(t >= notBefore);
    assertTrue(c.localAt(t) >= local);
    assertTrue(t == notBefore || c.localAt(t - 1) < local);
  }

  @Property
  void localTimeIsMonotonic(@ForAll @LongRange(min = -1000, max = 1000) long ppm,
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long t) {
    SimClock c = new SimClock(0, ppm);
    assertTrue(c.localAt(t + 1) >= c.localAt(t));
  }
}
