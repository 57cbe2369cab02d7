package io.morgana.runtime;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * An {@link EventLoop} for tests: no thread of its own and no real time. The test thread drives
 * it with {@link #runUntilIdle()} and {@link #advance(Duration)}, and the clock moves only when
 * the test says so — a TCP retransmission after 60 virtual seconds takes microseconds, and the
 * same inputs give the same run.
 *
 * <p>The thread that calls {@link #runUntilIdle()} is the loop thread for the length of the
 * call. Other threads may {@link #execute} tasks; they run at the next {@code runUntilIdle}.
 * Readiness descriptors are ignored: a deterministic loop polls every pollable on every turn.
 *
 * <p>Blocking work keeps the run deterministic. Work given to {@link #offload} runs on a thread of
 * its own, but only one piece at a time and only inside a turn: the loop starts it (or resumes it
 * once what it waits for is done) and waits until it finishes or parks in a blocking call ({@link
 * #join}); in virtual time it takes no time at all. A blocking call made by the test thread
 * itself, outside {@link #runUntilIdle()}, drives the loop — running it and advancing virtual time
 * from deadline to deadline — until the call's result is there, and fails if the loop falls idle
 * with no deadline left (the call would wait forever).
 *
 * <p>Its {@link #entropy()} is seeded ({@link #DEFAULT_SEED} unless given), so that what a kernel
 * draws — TCP's secret key, DHCP transaction ids — is the same in every run.
 */
public final class DeterministicLoop implements EventLoop {

  /** Turns of one {@link #runUntilIdle()} after which the loop is considered to be spinning. */
  private static final int MAX_TURNS = 1_000_000;

  /** Seed of the {@link #entropy()} of a loop built without one. */
  public static final long DEFAULT_SEED = 0x6d6f7267616e61L;

  private final AdjustableClock clock;
  private final Entropy entropy;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final List<Pollable> pollables = new ArrayList<>();
  private final List<Offload> offloads = new ArrayList<>(); // guarded by itself
  private static final ThreadLocal<Offload> CURRENT_OFFLOAD = new ThreadLocal<>();
  private long timerSequence;
  private volatile Thread loopThread;

  /** A loop over {@code clock}, which the loop advances in {@link #advance}, drawing from {@code entropy}. */
  public DeterministicLoop(AdjustableClock clock, Entropy entropy) {
    this.clock = clock;
    this.entropy = entropy;
  }

  /** A loop over {@code clock}, with entropy seeded by {@link #DEFAULT_SEED}. */
  public DeterministicLoop(AdjustableClock clock) {
    this(clock, Entropy.seeded(DEFAULT_SEED));
  }

  /** A loop over its own virtual clock, starting at time 0, with entropy seeded by {@link #DEFAULT_SEED}. */
  public DeterministicLoop() {
    this(new VirtualClock());
  }

  /** A loop over its own virtual clock, starting at time 0, with entropy seeded by {@code seed}. */
  public DeterministicLoop(long seed) {
    this(new VirtualClock(), Entropy.seeded(seed));
  }

  @Override
  public long nowNanos() {
    return clock.nanoTime();
  }

  @Override
  public Entropy entropy() {
    return entropy;
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
  public <T> CompletionStage<T> offload(Callable<T> work) {
    Offload o = new Offload(work);
    synchronized (offloads) {
      offloads.add(o);
    }
    @SuppressWarnings("unchecked")
    CompletionStage<T> result = (CompletionStage<T>) o.result;
    return result;
  }

  @Override
  public <T> T join(String call, CompletableFuture<T> stage) throws IOException {
    LoopBridge.checkBlockingAllowed(call);
    Offload self = CURRENT_OFFLOAD.get();
    if (self != null && self.loop() == this) {
      while (!stage.isDone()) {
        self.park(stage);
      }
    } else if (loopThread == null) {
      // The test thread makes a blocking call: it drives the loop until the result is there.
      while (!stage.isDone()) {
        runUntilIdle();
        if (stage.isDone()) {
          break;
        }
        long next = nextDeadlineNanos();
        if (next == Pollable.NO_DEADLINE) {
          throw new IllegalStateException(call + " would wait forever: the deterministic loop is idle at t="
              + nowNanos() + " with no deadline left");
        }
        advanceTo(next);
      }
    }
    return LoopBridge.await(stage);
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
    EventLoop previousMark = LoopBridge.markLoopThread(this);
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
      LoopBridge.markLoopThread(previousMark);
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
    worked |= stepOffloads();
    return worked;
  }

  /** Starts or resumes, one at a time, each offloaded piece of work that can go on. */
  private boolean stepOffloads() {
    Offload[] pending;
    synchronized (offloads) {
      if (offloads.isEmpty()) {
        return false;
      }
      pending = offloads.toArray(Offload[]::new);
    }
    boolean worked = false;
    for (Offload o : pending) {
      if (o.step()) {
        worked = true;
      }
      if (o.done) {
        synchronized (offloads) {
          offloads.remove(o);
        }
      }
    }
    return worked;
  }

  /** Whether a thread is inside {@link #runUntilIdle()} right now. */
  boolean isBeingDriven() {
    return loopThread != null;
  }

  /** Offloaded pieces of work not finished yet (tests). */
  public int offloadsInProgress() {
    synchronized (offloads) {
      return offloads.size();
    }
  }

  /** One piece of offloaded work and the hand-over between its thread and the loop's driver. */
  private final class Offload {
    final Callable<?> work;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    private final Semaphore settled = new Semaphore(0);
    private final Semaphore resume = new Semaphore(0);
    private volatile CompletableFuture<?> waitingFor;
    private boolean started;
    volatile boolean done;

    Offload(Callable<?> work) {
      this.work = work;
    }

    DeterministicLoop loop() {
      return DeterministicLoop.this;
    }

    /** On the driver: runs the work until it finishes or parks; whether it ran at all. */
    boolean step() {
      if (!started) {
        started = true;
        Thread.ofVirtual().name("deterministic-offload").start(this::run);
      } else {
        CompletableFuture<?> w = waitingFor;
        if (w == null || !w.isDone()) {
          return false;
        }
        waitingFor = null;
        resume.release();
      }
      settled.acquireUninterruptibly();
      return true;
    }

    private void run() {
      CURRENT_OFFLOAD.set(this);
      try {
        Object value = work.call();
        tasks.add(() -> result.complete(value));
      } catch (Throwable t) {
        tasks.add(() -> result.completeExceptionally(t));
      } finally {
        done = true;
        settled.release();
      }
    }

    /** On the work's thread: hands control back to the driver until {@code stage} is done. */
    void park(CompletableFuture<?> stage) {
      waitingFor = stage;
      settled.release();
      resume.acquireUninterruptibly();
    }
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
