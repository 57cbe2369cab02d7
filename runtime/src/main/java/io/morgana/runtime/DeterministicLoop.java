package io.morgana.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An {@link EventLoop} for tests: no thread of its own and no real time. The test thread drives
 * it with {@link #runUntilIdle()} and {@link #advance(Duration)}, and the clock moves only when
 * the test says so — a TCP retransmission after 60 virtual seconds takes microseconds, and the
 * same inputs give the same run.
 *
 * <p>The thread that calls {@link #runUntilIdle()} is the loop thread for the length of the
 * call. Other threads may {@link #execute} tasks; they run at the next {@code runUntilIdle}.
 * Readiness descriptors are ignored: a deterministic loop polls every pollable on every turn.
 */
public final class DeterministicLoop implements EventLoop {

  /** Turns of one {@link #runUntilIdle()} after which the loop is considered to be spinning. */
  private static final int MAX_TURNS = 1_000_000;

  private final AdjustableClock clock;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final List<Pollable> pollables = new ArrayList<>();
  private long timerSequence;
  private volatile Thread loopThread;

  /** A loop over {@code clock}, which the loop advances in {@link #advance}. */
  public DeterministicLoop(AdjustableClock clock) {
    this.clock = clock;
  }

  /** A loop over its own virtual clock, starting at time 0. */
  public DeterministicLoop() {
    this(new VirtualClock());
  }

  @Override
  public long nowNanos() {
    return clock.nanoTime();
  }

  @Override
  public boolean inLoop() {
    return Thread.currentThread() == loopThread;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
  }

  @Override
  public Cancellable schedule(long deadlineNanos, Runnable task) {
    Timer timer;
    synchronized (timers) {
      timer = new Timer(deadlineNanos, timerSequence++, task);
      timers.add(timer);
    }
    return timer::cancel;
  }

  @Override
  public Cancellable register(Pollable pollable) {
    synchronized (pollables) {
      pollables.add(pollable);
    }
    return () -> {
      synchronized (pollables) {
        pollables.remove(pollable);
      }
    };
  }

  @Override
  public void wakeup() {
    // Every turn polls everyone; nothing to wake.
  }

  /**
   * Runs tasks, due timers and pollables at the current time until none of them has anything
   * left to do.
   *
   * @return the number of turns that did work
   * @throws IllegalStateException if the loop keeps finding work (a pollable that always reports
   *     work, a task that always resubmits itself)
   */
  public int runUntilIdle() {
    Thread previous = loopThread;
    loopThread = Thread.currentThread();
    try {
      int turns = 0;
      while (turnOnce()) {
        if (++turns >= MAX_TURNS) {
          throw new IllegalStateException(
              "deterministic loop did not become idle after " + MAX_TURNS + " turns at t=" + nowNanos());
        }
      }
      return turns;
    } finally {
      loopThread = previous;
    }
  }

  /**
   * Moves virtual time forward by {@code duration}, stopping at every deadline on the way (timer
   * or pollable) to run the loop until idle there, so that each event happens at its own time.
   */
  public void advance(Duration duration) {
    advanceTo(nowNanos() + duration.toNanos());
  }

  /**
   * As {@link #advance(Duration)}, up to the absolute time {@code targetNanos}; a time already
   * passed leaves the clock where it is and only runs the loop until idle.
   */
  public void advanceTo(long targetNanos) {
    runUntilIdle();
    while (true) {
      long next = nextDeadlineNanos();
      if (next > targetNanos) {
        break;
      }
      if (next > nowNanos()) {
        clock.advanceTo(next);
      }
      runUntilIdle();
      if (nextDeadlineNanos() <= nowNanos()) {
        throw new IllegalStateException(
            "a deadline at t=" + nextDeadlineNanos() + " stays due after polling at t=" + nowNanos());
      }
    }
    if (targetNanos > nowNanos()) {
      clock.advanceTo(targetNanos);
    }
    runUntilIdle();
  }

  /** The earliest deadline of any timer or pollable, or {@link Pollable#NO_DEADLINE}. */
  public long nextDeadlineNanos() {
    long next = Pollable.NO_DEADLINE;
    synchronized (timers) {
      Timer head = firstLiveTimer();
      if (head != null) {
        next = head.deadline;
      }
    }
    for (Pollable p : snapshot()) {
      next = Math.min(next, p.nextDeadlineNanos());
    }
    return next;
  }

  private boolean turnOnce() {
    boolean worked = false;
    Runnable task;
    while ((task = tasks.poll()) != null) {
      task.run();
      worked = true;
    }
    long now = nowNanos();
    while (true) {
      Timer due;
      synchronized (timers) {
        Timer head = firstLiveTimer();
        if (head == null || head.deadline > now) {
          break;
        }
        due = timers.poll();
      }
      due.task.run();
      worked = true;
    }
    for (Pollable p : snapshot()) {
      worked |= p.poll(now);
    }
    return worked;
  }

  private Timer firstLiveTimer() {
    Timer head;
    while ((head = timers.peek()) != null && head.cancelled) {
      timers.poll();
    }
    return head;
  }

  private Pollable[] snapshot() {
    synchronized (pollables) {
      return pollables.toArray(Pollable[]::new);
    }
  }

  private static final class Timer implements Comparable<Timer> {
    final long deadline;
    final long sequence;
    final Runnable task;
    volatile boolean cancelled;

    Timer(long deadline, long sequence, Runnable task) {
      this.deadline = deadline;
      this.sequence = sequence;
      this.task = task;
    }

    void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  /** The clock of a loop created without one. */
  private static final class VirtualClock implements AdjustableClock {
    private volatile long now;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void advanceTo(long nanos) {
      if (nanos < now) {
        throw new IllegalArgumentException("time runs forward: " + nanos + " < " + now);
      }
      now = nanos;
    }
  }
}
