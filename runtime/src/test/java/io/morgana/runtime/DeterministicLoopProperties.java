package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class DeterministicLoopProperties {

  /** A timer as scheduled: its index (schedule order), its deadline, whether it is cancelled. */
  record Planned(int index, long deadline, boolean cancelled) {}

  @Property(seed = "20261126", tries = 300)
  void timersFireAtTheirDeadline_inDeadlineThenScheduleOrder_cancelledNever(
      @ForAll @Size(max = 40) List<@LongRange(min = 0, max = 5_000_000_000L) Long> deadlines,
      @ForAll @Size(max = 40) List<Boolean> cancels,
      @ForAll @LongRange(min = 10_000_000L, max = 3_000_000_000L) long step) {
    DeterministicLoop loop = new DeterministicLoop();
    List<String> fired = new ArrayList<>();
    List<Planned> planned = new ArrayList<>();
    for (int i = 0; i < deadlines.size(); i++) {
      long deadline = deadlines.get(i);
      boolean cancelled = i < cancels.size() && cancels.get(i);
      int index = i;
      EventLoop.Cancellable c = loop.schedule(deadline, () -> fired.add(index + "@" + loop.nowNanos()));
      if (cancelled) {
        c.cancel();
      }
      planned.add(new Planned(i, deadline, cancelled));
    }
    // Advance in arbitrary steps: each timer still fires at exactly its own deadline.
    while (loop.nowNanos() < 5_000_000_000L) {
      loop.advance(Duration.ofNanos(step));
    }
    List<String> expected =
        planned.stream()
            .filter(p -> !p.cancelled())
            .sorted(Comparator.comparingLong(Planned::deadline).thenComparingInt(Planned::index))
            .map(p -> p.index() + "@" + p.deadline())
            .toList();
    assertEquals(expected, fired);
  }
}
