package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real loop, on its own thread. Waits are on conditions with generous time-outs; the only
 * sleeps are the idle periods over which the no-spinning tests count the loop's turns.
 */
class KernelLoopTest {

  private static final long TIMEOUT_S = 30;
  /** Idle period over which an idle loop must make almost no turns. */
  private static final Duration IDLE = Duration.ofMillis(300);

  private KernelLoop loop;
  private Arena arena;

  @BeforeEach
  void setUp() {
    loop = new KernelLoop("test-kernel");
    arena = Arena.ofShared();
  }

  @AfterEach
  void tearDown() {
    loop.close();
    arena.close();
  }

  @Test
  void threadIsNamedAfterTheKernel_andTasksRunOnItInOrder() throws Exception {
    loop.start();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(1);
    for (int i = 0; i < 100; i++) {
      int n = i;
      loop.execute(() -> seen.add(n + "@" + Thread.currentThread().getName() + "@" + loop.inLoop()));
    }
    loop.execute(done::countDown);
    assertTrue(done.await(TIMEOUT_S, TimeUnit.SECONDS));
    for (int i = 0; i < 100; i++) {
      assertEquals(i + "@test-kernel@true", seen.get(i));
    }
    assertFalse(loop.inLoop());
  }

  @Test
  void tasksSubmittedBeforeStartRunOnceStarted() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    loop.execute(ran::countDown);
    loop.start();
    assertTrue(ran.await(TIMEOUT_S, TimeUnit.SECONDS));
  }

  @Test
  void timersRunInDeadlineOrder_sameDeadlineInScheduleOrder_neverEarly() throws Exception {
    // Scheduled before start: a test thread descheduled between two calls on a loaded machine
    // must not turn "scheduled later" into "due later".
    long base = loop.nowNanos();
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    List<Long> lateness = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch all = new CountDownLatch(5);
    long[] offsetsMs = {30, 10, 20, 20, 40};
    String[] names = {"30", "10", "20a", "20b", "40"};
    for (int i = 0; i < offsetsMs.length; i++) {
      long deadline = base + TimeUnit.MILLISECONDS.toNanos(offsetsMs[i]);
      String name = names[i];
      loop.schedule(
          deadline,
          () -> {
            order.add(name);
            lateness.add(loop.nowNanos() - deadline);
            all.countDown();
          });
    }
    loop.start();
    assertTrue(all.await(TIMEOUT_S, TimeUnit.SECONDS));
    assertEquals(List.of("10", "20a", "20b", "30", "40"), order);
    for (long late : lateness) {
      assertTrue(late >= 0, "a timer ran " + (-late) + " ns before its deadline");
    }
  }

  @Test
  void cancelledTimerNeverRuns() throws Exception {
    AtomicBoolean cancelledRan = new AtomicBoolean();
    CountDownLatch later = new CountDownLatch(1);
    long now = loop.nowNanos();
    EventLoop.Cancellable c = loop.schedule(now + TimeUnit.MILLISECONDS.toNanos(5), () -> cancelledRan.set(true));
    c.cancel();
    loop.schedule(now + TimeUnit.MILLISECONDS.toNanos(20), later::countDown);
    loop.start();
    assertTrue(later.await(TIMEOUT_S, TimeUnit.SECONDS));
    assertFalse(cancelledRan.get());
  }

  @Test
  void cancelledTimersDoNotAccumulate() throws Exception {
    loop.start();
    int count = 5000;
    CompletableFuture<Integer> scheduled = new CompletableFuture<>();
    loop.execute(
        () -> {
          long far = loop.nowNanos() + TimeUnit.HOURS.toNanos(1);
          loop.schedule(far - 1, () -> {}); // live, at the head: cancelled ones are not at the head
          for (int i = 0; i < count; i++) {
            loop.schedule(far + i, () -> {}).cancel();
          }
          scheduled.complete(loop.timersInHeap());
        });
    assertEquals(count + 1, scheduled.get(TIMEOUT_S, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    int left = count + 1;
    while (left > 1 && System.nanoTime() < deadline) {
      CompletableFuture<Integer> size = new CompletableFuture<>();
      loop.execute(() -> size.complete(loop.timersInHeap())); // each round trip is an idle turn
      left = size.get(TIMEOUT_S, TimeUnit.SECONDS);
    }
    assertEquals(1, left, "cancelled timers left in the heap beside the live one");
  }

  @Test
  void timersScheduledOnTheLoopThreadRunToo() throws Exception {
    loop.start();
    CountDownLatch chain = new CountDownLatch(3);
    loop.execute(() -> scheduleChain(chain));
    assertTrue(chain.await(TIMEOUT_S, TimeUnit.SECONDS));
  }

  private void scheduleChain(CountDownLatch chain) {
    chain.countDown();
    if (chain.getCount() > 0) {
      loop.schedule(loop.nowNanos() + TimeUnit.MILLISECONDS.toNanos(2), () -> scheduleChain(chain));
    }
  }

  @Test
  void subMillisecondTimersSleepUntilTheirDeadline_withoutSpinning() throws Exception {
    loop.start();
    awaitSleeping();
    // Chains of timers 100-900 µs ahead: each waits in one ppoll, not in turns that find it not
    // yet due (poll(2)'s millisecond would round them up; a zero timeout would spin).
    int timers = 20;
    CountDownLatch done = new CountDownLatch(timers);
    AtomicLong early = new AtomicLong();
    long turnsBefore = loop.turns();
    loop.execute(new Runnable() {
      @Override
      public void run() {
        long deadline = loop.nowNanos() + 100_000 + 40_000 * done.getCount();
        loop.schedule(deadline, () -> {
          if (loop.nowNanos() < deadline) {
            early.incrementAndGet();
          }
          done.countDown();
          if (done.getCount() > 0) {
            run();
          }
        });
      }
    });
    assertTrue(done.await(TIMEOUT_S, TimeUnit.SECONDS));
    assertEquals(0, early.get(), "timers that ran before their deadline");
    long turns = loop.turns() - turnsBefore;
    // A timer costs a turn to schedule it and one after the wake-up; a few spare for wakeups.
    assertTrue(turns <= 3L * timers + 5, turns + " turns for " + timers + " timers");
  }

  @Test
  void pollableDeadlineIsHonoured_withoutEarlyWakeups() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    AtomicInteger earlyPolls = new AtomicInteger();
    CompletableFuture<Long> firstDue = new CompletableFuture<>();
    loop.register(
        new Pollable() {
          boolean fired;

          @Override
          public boolean poll(long now) {
            if (fired) {
              return false;
            }
            if (now < deadline) {
              earlyPolls.incrementAndGet();
              return false;
            }
            fired = true;
            firstDue.complete(now);
            return true;
          }

          @Override
          public long nextDeadlineNanos() {
            return fired ? NO_DEADLINE : deadline;
          }
        });
    loop.start();
    long polledAt = firstDue.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertTrue(polledAt >= deadline);
    // One poll on the first turn, perhaps one more after a registration wakeup: never a spin.
    assertTrue(earlyPolls.get() <= 3, "polled " + earlyPolls.get() + " times before the deadline");
  }

  @Test
  void readinessDescriptorWakesTheLoop() throws Exception {
    int[] pipe = pipe();
    try {
      MemorySegment buf = arena.allocate(64);
      Errno errno = new Errno(arena);
      CompletableFuture<Long> received = new CompletableFuture<>();
      loop.register(
          new Pollable() {
            @Override
            public boolean poll(long now) {
              long n = Libc.read(errno, pipe[0], buf, 64);
              if (n > 0) {
                received.complete(n);
                return true;
              }
              return false;
            }

            @Override
            public long nextDeadlineNanos() {
              return NO_DEADLINE;
            }

            @Override
            public int readinessFd() {
              return pipe[0];
            }
          });
      loop.start();
      awaitSleeping();
      // No wakeup(): only the descriptor becoming readable can wake the sleeping loop.
      MemorySegment data = arena.allocate(3);
      data.setString(0, "hi");
      assertEquals(3, Libc.write(errno, pipe[1], data, 3));
      assertEquals(3L, received.get(TIMEOUT_S, TimeUnit.SECONDS));
    } finally {
      closeFds(pipe);
    }
  }

  @Test
  void wakeupFromAnotherThreadMakesTheLoopPoll() throws Exception {
    AtomicBoolean flag = new AtomicBoolean();
    CountDownLatch seen = new CountDownLatch(1);
    loop.register(
        new Pollable() {
          @Override
          public boolean poll(long now) {
            if (flag.compareAndSet(true, false)) {
              seen.countDown();
              return true;
            }
            return false;
          }

          @Override
          public long nextDeadlineNanos() {
            return NO_DEADLINE;
          }
        });
    loop.start();
    awaitSleeping();
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  flag.set(true);
                  loop.wakeup();
                });
    other.join();
    assertTrue(seen.await(TIMEOUT_S, TimeUnit.SECONDS));
  }

  @Test
  void manyWakeupsFromManyThreadsNeverLoseOne() throws Exception {
    AtomicLong produced = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    long total = 4 * 2000;
    CountDownLatch all = new CountDownLatch(1);
    loop.register(
        new Pollable() {
          @Override
          public boolean poll(long now) {
            long p = produced.get();
            if (p == consumed.get()) {
              return false;
            }
            consumed.set(p);
            if (p == total) {
              all.countDown();
            }
            return true;
          }

          @Override
          public long nextDeadlineNanos() {
            return NO_DEADLINE;
          }
        });
    loop.start();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 2000; i++) {
                      produced.incrementAndGet();
                      loop.wakeup();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(all.await(TIMEOUT_S, TimeUnit.SECONDS), "consumed " + consumed.get() + " of " + total);
  }

  @Test
  void wakeupsWhileTheLoopIsAwakeNeverTouchTheEventfd() throws Exception {
    loop.start();
    awaitIdle();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch wakersDone = new CountDownLatch(1);
    loop.execute(
        () -> {
          running.countDown();
          try {
            wakersDone.await(); // the loop is busy (awake) in this task while others wake it
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertTrue(running.await(TIMEOUT_S, TimeUnit.SECONDS));
    long before = loop.eventfdSignals();
    Thread waker =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < 10_000; i++) {
                    loop.wakeup();
                    loop.execute(() -> {});
                  }
                });
    waker.join();
    long during = loop.eventfdSignals() - before;
    wakersDone.countDown();
    awaitIdle();
    assertEquals(0, during, "eventfd writes while the loop was awake");
  }

  @Test
  void aWakeupOfASleepingLoopWritesTheEventfd() throws Exception {
    loop.start();
    awaitSleeping();
    long before = loop.eventfdSignals();
    CompletableFuture<Void> polled = new CompletableFuture<>();
    loop.register(
        new Pollable() {
          @Override
          public boolean poll(long now) {
            polled.complete(null);
            return false;
          }

          @Override
          public long nextDeadlineNanos() {
            return NO_DEADLINE;
          }
        });
    polled.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertEquals(1, loop.eventfdSignals() - before, "register() from another thread woke the sleeping loop");
  }

  @Test
  void idleLoopMakesAlmostNoTurns() throws Exception {
    int[] pipe = pipe();
    try {
      // A quiet descriptor and a far deadline: the loop must sleep on both, not spin.
      long far = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      loop.register(quietPollable(pipe[0], far));
      loop.start();
      awaitIdle();
      long before = loop.turns();
      Thread.sleep(IDLE);
      long turns = loop.turns() - before;
      assertTrue(turns < 5, "an idle loop made " + turns + " turns in " + IDLE);
    } finally {
      closeFds(pipe);
    }
  }

  @Test
  void deadlinesBetweenMillisecondsDoNotMakeTheLoopSpin() throws Exception {
    // Deadlines every 20.5 ms: a timeout rounded down would spin for the last half millisecond.
    long period = TimeUnit.MICROSECONDS.toNanos(20_500);
    AtomicInteger fired = new AtomicInteger();
    loop.register(
        new Pollable() {
          long next = System.nanoTime() + period;

          @Override
          public boolean poll(long now) {
            if (now < next) {
              return false;
            }
            fired.incrementAndGet();
            next = now + period;
            return true;
          }

          @Override
          public long nextDeadlineNanos() {
            return next;
          }
        });
    loop.start();
    awaitIdle();
    long firedBefore = fired.get();
    long before = loop.turns();
    Thread.sleep(IDLE);
    long turns = loop.turns() - before;
    long deadlines = fired.get() - firedBefore;
    // Each deadline costs a turn that works and one that finds nothing; allow slack for wakeups.
    assertTrue(turns <= 3 * deadlines + 5, turns + " turns for " + deadlines + " deadlines in " + IDLE);
  }

  @Test
  void descriptorThatIsNotOpenIsDroppedFromTheWait_notSpunOn() throws Exception {
    // Far above anything this JVM opens: poll(2) reports POLLNVAL for it.
    int notOpen = 999_999;
    loop.register(quietPollable(notOpen, Pollable.NO_DEADLINE));
    loop.start();
    awaitIdle();
    long before = loop.turns();
    Thread.sleep(IDLE);
    long turns = loop.turns() - before;
    assertTrue(turns < 5, "the loop made " + turns + " turns in " + IDLE + " with a closed descriptor");
  }

  @Test
  void anErrorOnTheLoopEndsIt_handlerFirst_thenTerminationWithThatError() throws Exception {
    AtomicReference<Throwable> handled = new AtomicReference<>();
    loop.onFatal(t -> handled.set(t));
    StackOverflowError error = new StackOverflowError("thrown by the test");
    AtomicBoolean ranAfter = new AtomicBoolean();
    loop.start();
    loop.execute(() -> { throw error; });
    loop.execute(() -> ranAfter.set(true));
    CompletableFuture<Void> ended = loop.termination().toCompletableFuture();
    java.util.concurrent.ExecutionException e =
        assertThrows(java.util.concurrent.ExecutionException.class, () -> ended.get(TIMEOUT_S, TimeUnit.SECONDS));
    assertEquals(error, e.getCause());
    assertEquals(error, handled.get());
    assertFalse(ranAfter.get(), "a task after the error ran");
    assertTrue(loop.awaitTermination(Duration.ofSeconds(TIMEOUT_S)));
    assertEquals(0, loop.failures(), "an Error is not a counted failure");
  }

  @Test
  void throwingTaskTimerAndPollableAreCountedAndTheLoopGoesOn() throws Exception {
    AtomicBoolean pollableThrew = new AtomicBoolean();
    loop.register(
        new Pollable() {
          @Override
          public boolean poll(long now) {
            if (pollableThrew.compareAndSet(false, true)) {
              throw new IllegalStateException("pollable failure (expected by the test)");
            }
            return false;
          }

          @Override
          public long nextDeadlineNanos() {
            return NO_DEADLINE;
          }
        });
    loop.start();
    loop.execute(
        () -> {
          throw new IllegalStateException("task failure (expected by the test)");
        });
    loop.schedule(
        loop.nowNanos(),
        () -> {
          throw new IllegalStateException("timer failure (expected by the test)");
        });
    CountDownLatch after = new CountDownLatch(1);
    loop.schedule(loop.nowNanos() + TimeUnit.MILLISECONDS.toNanos(5), after::countDown);
    assertTrue(after.await(TIMEOUT_S, TimeUnit.SECONDS));
    awaitIdle(); // the turn that ran the timer may poll the throwing pollable after it
    assertEquals(3, loop.failures());
  }

  @Test
  void unregisteredPollableIsNoLongerPolled() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    EventLoop.Cancellable registration =
        loop.register(
            new Pollable() {
              @Override
              public boolean poll(long now) {
                polls.incrementAndGet();
                return false;
              }

              @Override
              public long nextDeadlineNanos() {
                return NO_DEADLINE;
              }
            });
    loop.start();
    awaitIdle();
    CompletableFuture<Void> unregistered = new CompletableFuture<>();
    loop.execute(
        () -> {
          registration.cancel();
          unregistered.complete(null);
        });
    unregistered.get(TIMEOUT_S, TimeUnit.SECONDS);
    int after = polls.get();
    for (int i = 0; i < 10; i++) {
      loop.wakeup();
      awaitIdle();
    }
    assertEquals(after, polls.get());
  }

  @Test
  void stopEndsTheThread_andCompletesTermination() throws Exception {
    loop.start();
    awaitIdle();
    loop.stop();
    assertTrue(loop.awaitTermination(Duration.ofSeconds(TIMEOUT_S)));
    loop.termination().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    loop.wakeup(); // after termination: harmless
    loop.execute(() -> {}); // accepted, never run
  }

  @Test
  void stopFromTheLoopThreadItself() throws Exception {
    loop.start();
    loop.execute(loop::stop);
    assertTrue(loop.awaitTermination(Duration.ofSeconds(TIMEOUT_S)));
  }

  @Test
  void startTwiceIsRefused() {
    loop.start();
    assertThrows(IllegalStateException.class, loop::start);
  }

  @Test
  void closeWithoutStartIsHarmless_andIdempotent() {
    KernelLoop never = new KernelLoop("never-started");
    never.close();
    never.close();
    never.wakeup();
  }

  @Test
  void ppollTimeoutIsTheRemainingTimeToTheNanosecond() {
    MemorySegment ts = arena.allocate(Libc.TIMESPEC);
    long[][] cases = {
      {1, 0, 1}, {999_999, 0, 999_999}, {1_000_000_000L, 1, 0}, {2_500_000_001L, 2, 500_000_001},
      {Long.MAX_VALUE, Long.MAX_VALUE / 1_000_000_000L, Long.MAX_VALUE % 1_000_000_000L},
    };
    for (long[] c : cases) {
      KernelLoop.toTimespec(c[0], ts);
      assertEquals(c[1], ts.get(ValueLayout.JAVA_LONG, Libc.TIMESPEC_SEC_OFFSET), "seconds of " + c[0]);
      assertEquals(c[2], ts.get(ValueLayout.JAVA_LONG, Libc.TIMESPEC_NSEC_OFFSET), "nanoseconds of " + c[0]);
    }
  }

  /** Waits until the loop has run everything submitted so far (a task round trip). */
  private void awaitIdle() throws Exception {
    CompletableFuture<Void> f = new CompletableFuture<>();
    loop.execute(() -> f.complete(null));
    f.get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** Waits until the idle loop is asleep in poll(2) (it goes there right after a round trip). */
  private void awaitSleeping() throws Exception {
    awaitIdle();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (!loop.isSleeping() && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertTrue(loop.isSleeping(), "the idle loop went to sleep");
  }

  private static Pollable quietPollable(int fd, long deadline) {
    return new Pollable() {
      @Override
      public boolean poll(long now) {
        return false;
      }

      @Override
      public long nextDeadlineNanos() {
        return deadline;
      }

      @Override
      public int readinessFd() {
        return fd;
      }
    };
  }

  private int[] pipe() {
    MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
    Errno errno = new Errno(arena);
    assertEquals(0, Libc.pipe2(errno, fds, Libc.O_NONBLOCK | Libc.O_CLOEXEC), "pipe2 errno " + errno.value());
    return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
  }

  private void closeFds(int[] fds) {
    for (int fd : fds) {
      Libc.closeQuietly(fd);
    }
  }

  @Test
  void timeSeenOnTheLoopNeverGoesBack_tasksThenTimersThenPollablesOfOneTurn() throws Exception {
    // Protocol code stamps what it sends with the now it is given (a TCP timestamp, RFC 7323
    // §5.4: monotone non-decreasing): a pollable of a turn must not see an earlier time than a
    // task of the same turn saw through nowNanos().
    List<Long> seen = new ArrayList<>(); // touched on the loop thread only
    loop.register(
        new Pollable() {
          @Override
          public boolean poll(long now) {
            seen.add(now);
            return false;
          }

          @Override
          public long nextDeadlineNanos() {
            return NO_DEADLINE;
          }
        });
    loop.start();
    for (int round = 0; round < 200; round++) {
      CountDownLatch ran = new CountDownLatch(1);
      for (int i = 0; i < 5; i++) {
        loop.execute(() -> seen.add(loop.nowNanos()));
      }
      loop.schedule(loop.nowNanos(), () -> seen.add(loop.nowNanos()));
      loop.execute(ran::countDown);
      assertTrue(ran.await(TIMEOUT_S, TimeUnit.SECONDS));
    }
    List<Long> copy = new LoopBridge(loop).runAndWait(() -> new ArrayList<>(seen), Duration.ofSeconds(TIMEOUT_S));
    assertTrue(copy.size() > 1000, "recorded " + copy.size());
    for (int i = 1; i < copy.size(); i++) {
      assertTrue(copy.get(i) >= copy.get(i - 1), "time went back at " + i + ": " + copy.get(i - 1) + " then " + copy.get(i));
    }
  }
}
