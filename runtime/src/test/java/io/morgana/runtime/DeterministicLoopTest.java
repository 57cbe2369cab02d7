package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeterministicLoopTest {

  private static final long MS = 1_000_000L;

  private final DeterministicLoop loop = new DeterministicLoop();

  @Test
  void startsAtZero_andTimeMovesOnlyWhenAdvanced() {
    assertEquals(0, loop.nowNanos());
    loop.runUntilIdle();
    assertEquals(0, loop.nowNanos());
    loop.advance(Duration.ofSeconds(3));
    assertEquals(3_000 * MS, loop.nowNanos());
  }

  @Test
  void timersFireAtTheirOwnTimeInDeadlineThenScheduleOrder() {
    List<String> fired = new ArrayList<>();
    loop.schedule(30 * MS, () -> fired.add("30@" + loop.nowNanos() / MS));
    loop.schedule(10 * MS, () -> fired.add("10@" + loop.nowNanos() / MS));
    loop.schedule(20 * MS, () -> fired.add("20a@" + loop.nowNanos() / MS));
    loop.schedule(20 * MS, () -> fired.add("20b@" + loop.nowNanos() / MS));
    loop.advance(Duration.ofMillis(25));
    assertEquals(List.of("10@10", "20a@20", "20b@20"), fired);
    loop.advance(Duration.ofMillis(100));
    assertEquals(List.of("10@10", "20a@20", "20b@20", "30@30"), fired);
    assertEquals(125 * MS, loop.nowNanos());
  }

  @Test
  void cancelledTimerDoesNotFire() {
    List<String> fired = new ArrayList<>();
    EventLoop.Cancellable c = loop.schedule(5 * MS, () -> fired.add("cancelled"));
    loop.schedule(6 * MS, () -> fired.add("kept"));
    c.cancel();
    loop.advance(Duration.ofMillis(10));
    assertEquals(List.of("kept"), fired);
  }

  @Test
  void pollableIsPolledAtItsDeadline() {
    List<Long> polledWithWork = new ArrayList<>();
    loop.register(
        new Pollable() {
          long deadline = 7 * MS;

          @Override
          public boolean poll(long now) {
            if (now >= deadline) {
              polledWithWork.add(now);
              deadline += 7 * MS;
              return true;
            }
            return false;
          }

          @Override
          public long nextDeadlineNanos() {
            return deadline;
          }
        });
    loop.advance(Duration.ofMillis(30));
    assertEquals(List.of(7 * MS, 14 * MS, 21 * MS, 28 * MS), polledWithWork);
    assertEquals(35 * MS, loop.nextDeadlineNanos());
  }

  @Test
  void tasksFromOtherThreadsRunAtTheNextRunUntilIdle_onTheCallingThread() throws Exception {
    List<Boolean> inLoop = new ArrayList<>();
    Thread other = Thread.ofPlatform().start(() -> loop.execute(() -> inLoop.add(loop.inLoop())));
    other.join();
    assertTrue(inLoop.isEmpty());
    assertFalse(loop.inLoop());
    assertEquals(1, loop.runUntilIdle());
    assertEquals(List.of(true), inLoop);
  }

  @Test
  void aPollableThatAlwaysWorksIsReportedAsSpinning() {
    loop.register(
        new Pollable() {
          @Override
          public boolean poll(long now) {
            return true;
          }

          @Override
          public long nextDeadlineNanos() {
            return NO_DEADLINE;
          }
        });
    assertThrows(IllegalStateException.class, loop::runUntilIdle);
  }

  @Test
  void aDeadlineThatStaysDueIsReported() {
    loop.register(
        new Pollable() {
          @Override
          public boolean poll(long now) {
            return false;
          }

          @Override
          public long nextDeadlineNanos() {
            return 5 * MS;
          }
        });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.advance(Duration.ofMillis(10)));
    assertTrue(e.getMessage().contains("stays due"), e.getMessage());
  }

  @Test
  void unregisteredPollableIsNotPolled() {
    int[] polls = {0};
    EventLoop.Cancellable registration =
        loop.register(
            new Pollable() {
              @Override
              public boolean poll(long now) {
                polls[0]++;
                return false;
              }

              @Override
              public long nextDeadlineNanos() {
                return NO_DEADLINE;
              }
            });
    loop.runUntilIdle();
    assertEquals(1, polls[0]);
    registration.cancel();
    loop.runUntilIdle();
    assertEquals(1, polls[0]);
  }

  @Test
  void advanceToThePastOnlyRunsUntilIdle() {
    loop.advance(Duration.ofMillis(5));
    List<String> ran = new ArrayList<>();
    loop.execute(() -> ran.add("task"));
    loop.advanceTo(MS);
    assertEquals(5 * MS, loop.nowNanos());
    assertEquals(List.of("task"), ran);
  }

  @Test
  void timerScheduledByATimerAtTheSameTimeRunsInTheSameAdvance() {
    List<Long> fired = new ArrayList<>();
    loop.schedule(
        10 * MS,
        () -> {
          fired.add(loop.nowNanos());
          loop.schedule(loop.nowNanos(), () -> fired.add(loop.nowNanos()));
          loop.schedule(loop.nowNanos() + 5 * MS, () -> fired.add(loop.nowNanos()));
        });
    loop.advance(Duration.ofMillis(20));
    assertEquals(List.of(10 * MS, 10 * MS, 15 * MS), fired);
  }
}
