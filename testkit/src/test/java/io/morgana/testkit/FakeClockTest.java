package io.morgana.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.runtime.DeterministicLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  @Test
  void startsAtGivenTimeAndMovesOnlyWhenTold() {
    FakeClock clock = new FakeClock(42);
    assertEquals(42, clock.nanoTime());
    assertEquals(42, clock.nanoTime());
    assertEquals(1_000_042, clock.advance(Duration.ofMillis(1)));
    clock.advanceTo(2_000_000);
    assertEquals(2_000_000, clock.nanoTime());
    assertEquals(2_000_005, clock.advanceNanos(5));
  }

  @Test
  void refusesToRunBackwards() {
    FakeClock clock = new FakeClock(100);
    assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(99));
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofNanos(-1)));
    assertEquals(100, clock.nanoTime());
    clock.advanceTo(100); // staying put is fine
    assertEquals(100, clock.nanoTime());
  }

  @Test
  void drivesDeterministicLoopTimers() {
    FakeClock clock = new FakeClock();
    DeterministicLoop loop = new DeterministicLoop(clock);
    List<Long> fired = new ArrayList<>();
    loop.schedule(Duration.ofSeconds(2).toNanos(), () -> fired.add(clock.nanoTime()));
    loop.schedule(Duration.ofSeconds(1).toNanos(), () -> fired.add(clock.nanoTime()));
    loop.advance(Duration.ofMillis(1500));
    assertEquals(List.of(1_000_000_000L), fired);
    assertEquals(1_500_000_000L, clock.nanoTime());
    loop.advance(Duration.ofSeconds(1));
    assertEquals(List.of(1_000_000_000L, 2_000_000_000L), fired);
  }
}
