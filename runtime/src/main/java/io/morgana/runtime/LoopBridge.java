package io.morgana.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The one crossing between application threads and a kernel loop. Every protocol layer and
 * driver is a loop-confined state machine: it never asks which thread it is on. Whatever reaches
 * it from elsewhere comes through here, in one of four ways:
 *
 * <ol>
 *   <li><b>Any-thread writes</b> ({@code Udp.write}-style calls that return at once): {@link
 *       #write} runs the action now when called on the loop (no allocation: the action is a
 *       field, its arguments are passed through) and hands it to the loop otherwise.
 *   <li><b>Fire-and-forget changes</b> (configure an address, attach a handler): {@link #post}.
 *   <li><b>Blocking calls</b> of {@code Flow}, {@code Console}, {@code Kv}, {@code Block} and the
 *       XenStore made from application (virtual) threads: {@link #call} starts the operation on
 *       the loop and parks the caller until the loop completes it. Made on a loop thread, a
 *       blocking call fails at once with an {@link IllegalStateException} naming the call ({@link
 *       #checkBlockingAllowed}), instead of deadlocking the kernel.
 *   <li><b>Blocking work from loop callbacks</b> (a UDP handler that stores into a FAT-backed
 *       {@code Kv}): {@link #offload} runs it on a virtual thread and completes the returned stage
 *       back on the loop. Under {@link DeterministicLoop} offloaded work runs one piece at a time
 *       at defined points of the loop's turns, so a test with blocking work is still
 *       deterministic.
 * </ol>
 *
 * <p>Stages that the loop completes ({@link #call}, {@link #offload}) run their dependent actions
 * on the loop thread. Two narrower crossings complete the set: {@link #runAndWait} for lifecycle
 * operations that may come from any thread, the loop's own included (closing a device), and
 * {@link #onLoopOrElse} for the few any-thread calls that must not wait on a loop but give
 * application threads back-pressure (a ring console's {@code write}).
 *
 * <p>{@code Udp} above is {@link io.morgana.api.Udp}; the bridge itself knows no protocol.
 */
public final class LoopBridge {

  /** Set on a thread while it runs a kernel loop (the {@link KernelLoop} thread, a {@link DeterministicLoop} driver). */
  private static final ThreadLocal<EventLoop> LOOP_OF_THREAD = new ThreadLocal<>();

  private final EventLoop loop;

  /** The bridge into {@code loop}. */
  public LoopBridge(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /** The loop this bridge leads into. */
  public EventLoop loop() {
    return loop;
  }

  /** An action of a loop-confined state machine that takes a target, a packed word and a payload. */
  @FunctionalInterface
  public interface LoopWrite<A, B> {
    /** Runs on the loop thread at {@code nowNanos}; returns whether the write was accepted. */
    boolean apply(A target, long word, B payload, long nowNanos);
  }

  /**
   * Performs {@code action} with its arguments on the loop: at once when called on the loop
   * thread (returning its result), otherwise queued (returning {@code true}: accepted for
   * sending). Allocates nothing on the loop thread when {@code action} is a field.
   */
  public <A, B> boolean write(LoopWrite<A, B> action, A target, long word, B payload) {
    if (loop.inLoop()) {
      return action.apply(target, word, payload, loop.nowNanos());
    }
    loop.execute(() -> action.apply(target, word, payload, loop.nowNanos()));
    return true;
  }

  /** Runs {@code action} on the loop: now when called on the loop thread, otherwise queued. */
  public void post(Runnable action) {
    if (loop.inLoop()) {
      action.run();
    } else {
      loop.execute(action);
    }
  }

  /**
   * Runs {@code action} on the loop with the loop's current time: now when called on the loop
   * thread, otherwise queued.
   */
  public void post(LongConsumer action) {
    if (loop.inLoop()) {
      action.accept(loop.nowNanos());
    } else {
      loop.execute(() -> action.accept(loop.nowNanos()));
    }
  }

  /**
   * A blocking call from an application thread: runs {@code start} on the loop with a future
   * that the loop completes (then or later), and waits for it.
   *
   * @param call the API call's name for the error message, {@code "Flow.read"}
   * @throws IllegalStateException at once when called on a loop thread
   * @throws InterruptedIOException when the waiting thread is interrupted
   * @throws IOException the operation's own failure
   */
  public <T> T call(String call, Consumer<CompletableFuture<T>> start) throws IOException {
    checkBlockingAllowed(call);
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        start.accept(result);
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return loop.join(call, result);
  }

  /**
   * For lifecycle operations that may come from any thread, the loop's own included (closing a
   * device, a test driving a contract): runs {@code action} on the loop and waits for its result.
   * On the loop thread it runs at once; when the loop is not running (a {@link KernelLoop} not
   * started or already ended, a {@link DeterministicLoop} nobody drives right now) it runs on the
   * calling thread, since nothing else can touch the loop's state then.
   *
   * @throws TimeoutException when a running loop did not run it within {@code timeout}
   * @throws Exception what {@code action} threw
   */
  public <T> T runAndWait(Callable<T> action, Duration timeout) throws Exception {
    if (loop.inLoop() || !isRunning(loop)) {
      return action.call();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicBoolean claimed = new AtomicBoolean();
    Runnable once = () -> {
      if (claimed.compareAndSet(false, true)) {
        try {
          result.complete(action.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }
    };
    loop.execute(once);
    if (loop instanceof KernelLoop k) {
      // A loop that ends first never runs the task: run it as the loop thread ends (or here).
      k.termination().whenComplete((v, t) -> once.run());
    }
    try {
      return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  private static boolean isRunning(EventLoop loop) {
    if (loop instanceof KernelLoop k) {
      return k.isRunning();
    }
    if (loop instanceof DeterministicLoop d) {
      return d.isBeingDriven();
    }
    return true;
  }

  /**
   * Runs blocking {@code work} off the loop and completes the returned stage on the loop with its
   * result or failure; see {@link EventLoop#offload}.
   */
  public <T> CompletionStage<T> offload(Callable<T> work) {
    return loop.offload(work);
  }

  /** An action that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface IoAction {
    /** Does it. */
    void run() throws IOException;
  }

  /**
   * For the few any-thread calls that must never wait on a loop but give application threads
   * back-pressure ({@code Console.write} of a ring console, its {@code close}): runs {@code
   * onLoop} when the calling thread runs a kernel loop — it must not wait; and {@code
   * elsewhere} otherwise — it may wait for the loop to make progress. The choice lives here, so
   * that drivers never ask which thread they are on.
   */
  public static void onLoopOrElse(IoAction onLoop, IoAction elsewhere) throws IOException {
    if (onAnyLoopThread()) {
      onLoop.run();
    } else {
      elsewhere.run();
    }
  }

  /**
   * Fails at once when the calling thread runs a kernel loop: a blocking call there would stop
   * every device and timer of the kernel (and, waiting for the loop itself, never return).
   * Every blocking API of Morgana calls this first.
   *
   * @param call the API call's name, {@code "Kv.get"}
   */
  public static void checkBlockingAllowed(String call) {
    EventLoop owner = LOOP_OF_THREAD.get();
    if (owner != null) {
      throw new IllegalStateException(call + " blocks and was called on kernel loop thread '"
          + Thread.currentThread().getName() + "'; run blocking work with EventLoop.offload(...) "
          + "(or on an application thread), and continue on the loop when its stage completes");
    }
  }

  /** Whether the calling thread runs a kernel loop. */
  static boolean onAnyLoopThread() {
    return LOOP_OF_THREAD.get() != null;
  }

  /** Marks (or, with null, unmarks) the calling thread as running {@code loop}; returns the previous mark. */
  static EventLoop markLoopThread(EventLoop loop) {
    EventLoop previous = LOOP_OF_THREAD.get();
    if (loop == null) {
      LOOP_OF_THREAD.remove();
    } else {
      LOOP_OF_THREAD.set(loop);
    }
    return previous;
  }

  /** Waits for {@code future} on an application thread; shared by the loops' {@code join}. */
  static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException ie = new InterruptedIOException("interrupted while waiting for the kernel loop");
      ie.initCause(e);
      throw ie;
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (CancellationException e) {
      throw new IOException("cancelled", e);
    }
  }

  /** The failure of a completed stage as what a blocking call throws. */
  static IOException rethrow(Throwable cause) {
    if (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IOException(cause);
  }
}
