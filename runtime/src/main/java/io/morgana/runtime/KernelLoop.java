package io.morgana.runtime;

import io.morgana.runtime.internal.EventFd;
import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.Libc;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link EventLoop}: one platform thread, named after the kernel, that owns the kernel's
 * protocol state (Aeron's agent duty cycle, MirageOS's main loop).
 *
 * <p>Each turn reads {@link System#nanoTime()} once and, with that time, runs the tasks submitted
 * with {@link #execute}, the timers of {@link #schedule} that are due, and {@link Pollable#poll}
 * of every registered pollable. When a turn did no work the thread sleeps in {@code ppoll(2)}
 * (Java FFM, no JNI) on every pollable's {@link Pollable#readinessFd()} and on an {@code
 * eventfd(2)}, until the earliest timer or {@link Pollable#nextDeadlineNanos()} to the
 * nanosecond: a timer is not rounded up to the next millisecond, and a deadline already past is
 * a turn, not a sleep, so the loop never spins. The loop thread's timer slack is {@value
 * #TIMER_SLACK_NANOS} ns ({@code PR_SET_TIMERSLACK}): with Linux's default of 50 µs a timed
 * wake-up may come that much later than asked, which would be most of a sub-millisecond timer's
 * lateness. {@link #wakeup()}, and {@link
 * #execute}, {@link #schedule} and {@link #register} from another thread, write to the eventfd —
 * only when the loop is, or is about to be, asleep: when it is awake they cost a volatile write
 * and a volatile read. An idle kernel therefore uses no CPU.
 *
 * <p>A task, timer or pollable that throws an {@link Exception} is logged and counted ({@link
 * #failures()}); the loop goes on. One that throws an {@link Error} — {@link OutOfMemoryError},
 * {@link StackOverflowError}, a class that cannot be loaded — ends the loop: a kernel without
 * memory or stack is not one to keep running, and {@link #termination()} completes exceptionally
 * with that error ({@link Kernel} then exits the process with one clear message). A pollable whose descriptor is not open ({@code POLLNVAL}) is warned about and its
 * descriptor left out of later waits. A pollable whose descriptor stays readable (end of file,
 * {@code POLLHUP}) must stop reporting it or unregister, or the loop polls it continuously.
 *
 * <p>Linux only. The FFM calls are bound when the loop first sleeps (binding costs startup time,
 * and a kernel's first line should not wait for it); a JVM that denies native access therefore
 * fails then: the loop ends and {@link #termination()} completes exceptionally with a message that
 * says how to enable it ({@code Enable-Native-Access: ALL-UNNAMED}).
 *
 * <p>Timers are kept in a heap that only the loop thread touches; a cancelled timer is dropped
 * when it reaches the head, or in a sweep once the heap is large. Protocol deadlines belong in
 * {@link Pollable#nextDeadlineNanos()}, not in streams of cancelled timers.
 */
public final class KernelLoop implements EventLoop, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KernelLoop.class);

  /** Tasks run per turn at most, so that a task that resubmits itself cannot starve devices. */
  private static final int MAX_TASKS_PER_TURN = 4096;

  /** The loop thread's timer slack: how much later than its timeout ppoll may wake it. */
  static final long TIMER_SLACK_NANOS = 1_000;

  /** Heap size above which idle turns sweep cancelled timers out (every 64th idle turn). */
  private static final int TIMER_SWEEP_SIZE = 1024;

  private static final int AWAKE = 0;
  private static final int SLEEPING = 1;
  private static final int TERMINATED = 2;

  private final String name;
  private final Thread thread;
  // Created by the loop thread just before it first sleeps (binding the FFM call costs startup
  // time; nobody needs to wake a loop that has never slept). Published by the volatile write of
  // SLEEPING to wakers, who read it only after reading SLEEPING.
  private EventFd eventFd;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>(); // loop thread only
  private final AtomicLong timerSequence = new AtomicLong();
  private final Object registrationLock = new Object();
  private volatile Pollable[] pollables = new Pollable[0];
  private final AtomicInteger state = new AtomicInteger(AWAKE);
  private volatile boolean wakeupRequested;
  /** The clock as the current phase of the current turn read it; the loop thread's only. */
  private long loopNow;
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile long turns;
  private long idleTurns; // loop thread only
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong signals = new AtomicLong();
  private final CompletableFuture<Void> termination = new CompletableFuture<>();
  private final java.util.concurrent.ThreadFactory offloadThreads;
  // Called on the loop thread with what ended it, before anything else (logging may fail then).
  private volatile Consumer<Throwable> fatalHandler;

  /**
   * A loop whose thread is called {@code name}; {@link #start()} starts it.
   *
   * @throws UnsupportedOperationException if this is not Linux
   */
  public KernelLoop(String name) {
    this.name = Objects.requireNonNull(name, "name");
    requireLinux();
    // A FastThreadLocalThread: Netty's pooled allocator keeps its per-thread caches (and recycles
    // ByteBuf objects) only on such threads, so buffers allocated on the loop cost no garbage.
    this.thread = new FastThreadLocalThread(this::run, name);
    this.thread.setDaemon(false);
    this.offloadThreads = Thread.ofVirtual().name(name + "-offload-", 1).factory();
  }

  // Here rather than in Libc, whose first call starts FFM: nothing native before the first sleep.
  private static void requireLinux() {
    String os = System.getProperty("os.name", "?");
    if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      throw new UnsupportedOperationException(
          "Morgana's kernel loop needs Linux (ppoll(2), eventfd(2)); this is " + os);
    }
  }

  /** The name of the kernel, and of the loop's thread. */
  public String name() {
    return name;
  }

  /**
   * Starts the loop thread.
   *
   * @throws IllegalStateException if it was started before
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("kernel loop " + name + " already started");
    }
    started = true;
    thread.start();
  }

  /**
   * Asks the loop to stop after its current turn; returns at once. Tasks and timers that have not
   * run by then never run. Any thread, including the loop's own; idempotent.
   */
  public void stop() {
    running = false;
    wakeup();
  }

  /**
   * Waits until the loop thread has ended.
   *
   * @return {@code true} if it ended (or was never started), {@code false} on time-out
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (!started) {
      return true;
    }
    return thread.join(timeout);
  }

  /**
   * Completes when the loop thread has ended: normally after {@link #stop()}, exceptionally if
   * the loop failed in a way it cannot survive (an {@link Error} thrown by a task, timer or
   * pollable; the {@code ppoll(2)} call itself failing).
   */
  public CompletionStage<Void> termination() {
    return termination.minimalCompletionStage();
  }

  /**
   * Stops the loop and waits for its thread to end (unless called on the loop thread itself),
   * which releases the eventfd. Idempotent.
   */
  @Override
  public void close() {
    stop();
    if (!inLoop()) {
      boolean interrupted = false;
      while (true) {
        try {
          if (awaitTermination(Duration.ofDays(1))) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    // run() closes the eventfd as the loop thread ends.
  }

  /** Whether the loop thread has started and not yet ended. */
  boolean isRunning() {
    return started && state.get() != TERMINATED && thread.isAlive();
  }

  /** Turns the loop has made so far (with or without work); sleeping is not a turn. */
  public long turns() {
    return turns;
  }

  /** Timers in the heap, cancelled ones not yet dropped included. Loop thread only (tests). */
  int timersInHeap() {
    return timers.size();
  }

  /** Whether the loop is asleep in ppoll(2), or committed to it (tests). */
  boolean isSleeping() {
    return state.get() == SLEEPING;
  }

  /** Writes to the eventfd so far: wakeups that found the loop asleep (tests). */
  long eventfdSignals() {
    return signals.get();
  }

  /**
   * Runs {@code handler} on the loop thread when the loop ends with a failure (an {@link Error}
   * from a task, timer or pollable, or the loop's own failure), first, before the failure is
   * logged and {@link #termination()} completes. Set before {@link #start()}. For {@link Kernel}.
   */
  void onFatal(Consumer<Throwable> handler) {
    this.fatalHandler = handler;
  }

  /** Exceptions thrown by tasks, timers and pollables so far, each logged. */
  public long failures() {
    return failures.get();
  }

  /**
   * The clock as this turn's current phase read it on the loop thread (see {@link #turn}); the
   * clock itself on any other thread.
   */
  @Override
  public long nowNanos() {
    return inLoop() ? loopNow : System.nanoTime();
  }

  /** Each piece of offloaded work gets a virtual thread of its own, named after the kernel. */
  @Override
  public <T> CompletionStage<T> offload(Callable<T> work) {
    Objects.requireNonNull(work, "work");
    CompletableFuture<T> result = new CompletableFuture<>();
    offloadThreads.newThread(() -> {
      T value;
      try {
        value = work.call();
      } catch (Throwable t) {
        execute(() -> result.completeExceptionally(t));
        return;
      }
      execute(() -> result.complete(value));
    }).start();
    return result;
  }

  @Override
  public <T> T join(String call, CompletableFuture<T> stage) throws IOException {
    LoopBridge.checkBlockingAllowed(call);
    return LoopBridge.await(stage);
  }

  @Override
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    if (!inLoop()) {
      wakeSleeper();
    }
  }

  @Override
  public Cancellable schedule(long deadlineNanos, Runnable task) {
    Timer timer = new Timer(deadlineNanos, timerSequence.getAndIncrement(), Objects.requireNonNull(task, "task"));
    if (inLoop()) {
      timers.add(timer);
    } else {
      execute(() -> timers.add(timer));
    }
    return timer;
  }

  @Override
  public Cancellable register(Pollable pollable) {
    Objects.requireNonNull(pollable, "pollable");
    synchronized (registrationLock) {
      Pollable[] current = pollables;
      Pollable[] next = Arrays.copyOf(current, current.length + 1);
      next[current.length] = pollable;
      pollables = next;
    }
    if (!inLoop()) {
      wakeup();
    }
    return () -> unregister(pollable);
  }

  private void unregister(Pollable pollable) {
    synchronized (registrationLock) {
      Pollable[] current = pollables;
      for (int i = 0; i < current.length; i++) {
        if (current[i] == pollable) {
          Pollable[] next = new Pollable[current.length - 1];
          System.arraycopy(current, 0, next, 0, i);
          System.arraycopy(current, i + 1, next, i, current.length - i - 1);
          pollables = next;
          return;
        }
      }
    }
  }

  @Override
  public void wakeup() {
    if (!wakeupRequested) {
      wakeupRequested = true;
    }
    wakeSleeper();
  }

  /**
   * Writes to the eventfd if the loop is asleep or committed to sleeping. The loop publishes
   * SLEEPING before it re-checks the task queue and the wakeup flag, and we publish our task or
   * flag before reading the state, so at least one side sees the other (both are volatile).
   */
  private void wakeSleeper() {
    if (state.get() == SLEEPING && state.compareAndSet(SLEEPING, AWAKE)) {
      signals.incrementAndGet();
      eventFd.signal();
    }
  }

  private void run() {
    log.debug("kernel loop {} started", name);
    Throwable fatal = null;
    LoopBridge.markLoopThread(this);
    try (Arena arena = Arena.ofConfined()) {
      Sleeper sleeper = null; // made at the first sleep: FFM set-up is not on the way to turn one
      while (running) {
        sleeper = turn(arena, sleeper);
      }
    } catch (Throwable t) {
      fatal = t;
      running = false;
      Consumer<Throwable> handler = fatalHandler;
      if (handler != null) {
        try {
          handler.accept(t);
        } catch (Throwable ignored) {
          // The handler is the last word on a failure; nothing to add if it fails too.
        }
      }
      try {
        log.error("kernel loop {} failed and stopped", name, t);
      } catch (Throwable ignored) {
        // Out of memory even for the log line: termination() still says why.
      }
    } finally {
      state.set(TERMINATED);
      running = false;
      if (eventFd != null) {
        eventFd.close();
      }
      log.debug("kernel loop {} stopped after {} turns", name, turns);
      if (fatal == null) {
        termination.complete(null);
      } else {
        termination.completeExceptionally(fatal);
      }
    }
  }

  /**
   * One turn, and the sleep that follows it when it did no work. A method of its own rather than
   * the body of {@link #run()}'s loop: the JIT compiles a method after some thousands of calls,
   * whereas a loop body in a method that is entered once is compiled only by on-stack replacement
   * after tens of thousands of turns — until then every turn ran in the interpreter, which cost
   * a lightly loaded kernel (one or two turns per packet) microseconds on every packet.
   */
  private Sleeper turn(Arena arena, Sleeper sleeper) {
    turns++;
    if (wakeupRequested) {
      wakeupRequested = false;
    }
    // The clock is read once per phase (tasks, timers, pollables), and nowNanos() on the loop
    // thread answers that reading: whatever runs on the loop sees a time that never goes back — a
    // TCP timestamp taken in a task and then an earlier one for a frame of the same turn made
    // Linux drop our segments as old (PAWS, RFC 7323 §5) and wait for a retransmission timeout.
    loopNow = System.nanoTime();
    boolean worked = runTasks();
    long now = System.nanoTime();
    loopNow = now;
    worked |= runTimers(now);
    now = System.nanoTime();
    loopNow = now;
    worked |= pollAll(now);
    if (!worked && running) {
      if (sleeper == null) {
        sleeper = new Sleeper(arena);
      }
      sleeper.sleep(nextDeadline());
    }
    return sleeper;
  }

  private boolean runTasks() {
    int ran = 0;
    Runnable task;
    while (ran < MAX_TASKS_PER_TURN && (task = tasks.poll()) != null) {
      ran++;
      try {
        task.run();
      } catch (Error e) {
        throw e; // fatal: ends the loop
      } catch (Throwable t) {
        failed("task " + task, t);
      }
    }
    return ran > 0;
  }

  private boolean runTimers(long now) {
    boolean worked = false;
    // Timers scheduled by these timers for a time <= now run on the next turn, not this one.
    long lastSequence = timerSequence.get();
    Timer head;
    while ((head = timers.peek()) != null && head.deadline <= now && head.sequence < lastSequence) {
      timers.poll();
      if (head.cancelled) {
        continue;
      }
      head.cancelled = true; // ran: a later cancel() does nothing
      worked = true;
      try {
        head.task.run();
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        failed("timer " + head.task, t);
      }
    }
    return worked;
  }

  private boolean pollAll(long now) {
    boolean worked = false;
    for (Pollable p : pollables) {
      try {
        worked |= p.poll(now);
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        failed("pollable " + p, t);
      }
    }
    return worked;
  }

  private long nextDeadline() {
    if (timers.size() > TIMER_SWEEP_SIZE && (++idleTurns & 63) == 0) {
      timers.removeIf(t -> t.cancelled);
    }
    long next = Pollable.NO_DEADLINE;
    Timer head;
    while ((head = timers.peek()) != null && head.cancelled) {
      timers.poll();
    }
    if (head != null) {
      next = head.deadline;
    }
    for (Pollable p : pollables) {
      try {
        next = Math.min(next, p.nextDeadlineNanos());
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        failed("nextDeadlineNanos of " + p, t);
      }
    }
    return next;
  }

  private void failed(String what, Throwable t) {
    long n = failures.incrementAndGet();
    log.error("kernel loop {}: {} threw (failure #{}); the loop goes on", name, what, n, t);
  }

  /**
   * Writes a {@code ppoll(2)} timeout of {@code remainingNanos} ({@code > 0}) into {@code
   * timespec}: seconds and nanoseconds, exact — the kernel wakes the thread at or after it.
   */
  static void toTimespec(long remainingNanos, MemorySegment timespec) {
    timespec.set(ValueLayout.JAVA_LONG, Libc.TIMESPEC_SEC_OFFSET, remainingNanos / 1_000_000_000L);
    timespec.set(ValueLayout.JAVA_LONG, Libc.TIMESPEC_NSEC_OFFSET, remainingNanos % 1_000_000_000L);
  }

  /** The loop thread's {@code ppoll(2)} state: the pollfd array, its timeout and errno capture. */
  private final class Sleeper {
    private final Arena arena;
    private final Errno errno;
    private final MemorySegment timeout; // struct timespec
    // Pollables whose descriptor ppoll(2) reported not open, with that descriptor: left out of the
    // wait until the pollable reports another one (or is unregistered).
    private final Map<Pollable, Integer> invalidFds = new IdentityHashMap<>();
    private MemorySegment fds;
    private Pollable[] owners; // owners[i] has its descriptor in pollfd slot i + 1
    private int capacity;

    Sleeper(Arena arena) {
      this.arena = arena;
      this.errno = new Errno(arena);
      this.timeout = arena.allocate(Libc.TIMESPEC);
      grow(8);
      if (Libc.prctl(errno, Libc.PR_SET_TIMERSLACK, TIMER_SLACK_NANOS) < 0) {
        log.debug("kernel loop {}: timer slack not set ({}); timers may run up to 50 µs late",
            name, Libc.errnoName(errno.value()));
      }
      if (eventFd == null) {
        eventFd = new EventFd(); // fails the loop with errno, or how to enable native access
      }
    }

    private void grow(int slots) {
      capacity = Math.max(slots, capacity * 2);
      fds = arena.allocate(Libc.POLLFD, capacity);
      owners = new Pollable[capacity];
    }

    void sleep(long deadline) {
      int n = fill();
      state.set(SLEEPING);
      if (wakeupRequested || !tasks.isEmpty() || !running) {
        state.set(AWAKE);
        return;
      }
      MemorySegment wait = MemorySegment.NULL; // for ever
      if (deadline != Pollable.NO_DEADLINE) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          state.set(AWAKE); // due already: the next turn runs it
          return;
        }
        toTimespec(remaining, timeout);
        wait = timeout;
      }
      int ready = Libc.ppoll(errno, fds, n, wait, MemorySegment.NULL);
      state.set(AWAKE);
      if (ready < 0) {
        if (errno.value() == Libc.EINTR) {
          return; // a signal: go round again, recomputing the deadline
        }
        throw new IllegalStateException(errno.exception("ppoll").getMessage());
      }
      if (ready > 0) {
        afterPoll(n);
      }
    }

    /** Writes the eventfd and every pollable's descriptor into the pollfd array; returns the count. */
    private int fill() {
      Pollable[] ps = pollables;
      if (ps.length + 1 > capacity) {
        grow(ps.length + 1);
      }
      put(0, eventFd.fd());
      int n = 1;
      for (Pollable p : ps) {
        int fd;
        try {
          fd = p.readinessFd();
        } catch (Error e) {
          throw e;
        } catch (Throwable t) {
          failed("readinessFd of " + p, t);
          continue;
        }
        if (fd >= 0 && !isInvalid(p, fd)) {
          owners[n - 1] = p;
          put(n++, fd);
        }
      }
      return n;
    }

    private boolean isInvalid(Pollable p, int fd) {
      Integer bad = invalidFds.get(p);
      if (bad == null) {
        return false;
      }
      if (bad == fd) {
        return true;
      }
      invalidFds.remove(p); // it has a new descriptor: wait on that one
      return false;
    }

    private void put(int slot, int fd) {
      long base = slot * Libc.POLLFD.byteSize();
      fds.set(ValueLayout.JAVA_INT, base + Libc.POLLFD_FD_OFFSET, fd);
      fds.set(ValueLayout.JAVA_SHORT, base + Libc.POLLFD_EVENTS_OFFSET, Libc.POLLIN);
      fds.set(ValueLayout.JAVA_SHORT, base + Libc.POLLFD_REVENTS_OFFSET, (short) 0);
    }

    private void afterPoll(int n) {
      if (revents(0) != 0) {
        eventFd.drain();
      }
      for (int slot = 1; slot < n; slot++) {
        if ((revents(slot) & Libc.POLLNVAL) != 0) {
          int fd = fds.get(ValueLayout.JAVA_INT, slot * Libc.POLLFD.byteSize());
          invalidFds.put(owners[slot - 1], fd);
          if (invalidFds.size() > pollables.length) {
            Pollable[] registered = pollables; // forget unregistered ones
            invalidFds.keySet().removeIf(k -> Arrays.stream(registered).noneMatch(r -> r == k));
          }
          log.warn(
              "kernel loop {}: readiness descriptor {} of {} is not open; no longer waiting on it",
              name, fd, owners[slot - 1]);
        }
      }
      Arrays.fill(owners, null);
    }

    private short revents(int slot) {
      return fds.get(ValueLayout.JAVA_SHORT, slot * Libc.POLLFD.byteSize() + Libc.POLLFD_REVENTS_OFFSET);
    }
  }

  private static final class Timer implements Comparable<Timer>, Cancellable {
    final long deadline;
    final long sequence;
    final Runnable task;
    volatile boolean cancelled;

    Timer(long deadline, long sequence, Runnable task) {
      this.deadline = deadline;
      this.sequence = sequence;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }
}
