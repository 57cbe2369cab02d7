package io.morgana.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

  static final FaultSchedule TWO = new FaultSchedule(List.of(
      new FaultSchedule.Partition(List.of("a", "b"), Duration.ofMillis(1000), Duration.ofMillis(3000)),
      new FaultSchedule.Crash("c", Duration.ofMillis(5000), Duration.ofMillis(5400))));

  @Test
  void theCommandLineFormReadsBack() {
    assertEquals("partition:a+b:1000:3000,crash:c:5000:5400", TWO.toSpec());
    assertEquals(TWO, FaultSchedule.parse(TWO.toSpec()));
    assertEquals(FaultSchedule.NONE, FaultSchedule.parse(FaultSchedule.NONE.toSpec()));
  }

  @Test
  void malformedSpecsAreRefusedWithTheReason() {
    assertEquals("a fault is KIND:KERNELS:AT_MS:END_MS, got 'crash:c:5'",
        assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse("crash:c:5")).getMessage());
    assertEquals("a fault is crash or partition, got 'flood'",
        assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse("flood:c:5:6")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse("crash:c:9:5"));
    assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse("crash:c:x:5"));
  }

  @Test
  void shrinkingTriesEachFaultRemovedThenEachShortened() {
    List<FaultSchedule> c = TWO.shrinkCandidates();
    assertEquals(4, c.size());
    assertEquals(List.of(TWO.faults().get(1)), c.get(0).faults());
    assertEquals(List.of(TWO.faults().get(0)), c.get(1).faults());
    assertEquals(new FaultSchedule.Partition(List.of("a", "b"), Duration.ofMillis(1000), Duration.ofMillis(2000)),
        c.get(2).faults().get(0));
    assertEquals(new FaultSchedule.Crash("c", Duration.ofMillis(5000), Duration.ofMillis(5200)), c.get(3).faults().get(1));
  }

  @Test
  void aFaultShorterThanTenMillisecondsDoesNotShrinkFurther() {
    assertTrue(new FaultSchedule.Crash("c", Duration.ofMillis(5000), Duration.ofMillis(5009)).shrink().isEmpty());
    assertEquals(Duration.ofMillis(5400), TWO.end());
  }
}
