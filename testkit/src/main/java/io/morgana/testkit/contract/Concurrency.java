package io.morgana.testkit.contract;

import io.morgana.runtime.DeterministicLoop;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a contract test runs blocking work beside the test thread — the other end of a connection,
 * a second reader — on a stack whose blocking calls wait for a loop. Two kinds, as {@link
 * LoopDriver}'s:
 *
 * <ul>
 *   <li>{@link #virtualThreads(Duration)}: each piece on a virtual thread of its own; for stacks
 *       on a loop with its own thread ({@code KernelLoop}) or none (host sockets). Joining waits
 *       in real time, at most the given bound.
 *   <li>{@link #offloads(DeterministicLoop)}: each piece as {@link DeterministicLoop#offload}
 *       work, which the loop runs one piece at a time inside its turns; joining from the test
 *       thread drives the loop (and virtual time) until the piece is done, and fails instead of
 *       hanging when the loop falls idle first. The run is reproducible.
 * </ul>
 *
 * <p>A piece may fork and join further pieces. It must block only in the stack's own calls or in
 * {@link Task#join()}, never on a lock or a plain future: a deterministic loop sees only those.
 */
public interface Concurrency {

  /** Starts {@code work} beside the calling thread. */
  <T> Task<T> fork(String name, Callable<T> work);

  /** Work started by {@link #fork}. */
  interface Task<T> {
    /**
     * Waits for the work and returns its result, or throws what it threw (a checked exception
     * other than an {@code IOException} wrapped in one).
     */
    T join() throws Exception;
  }

  /** Virtual threads; {@link Task#join()} fails with an {@link AssertionError} after {@code bound}. */
  static Concurrency virtualThreads(Duration bound) {
    return new Concurrency() {
      @Override
      public <T> Task<T> fork(String name, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name(name).start(() -> {
          try {
            result.complete(work.call());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
        return () -> {
          try {
            return result.get(bound.toNanos(), TimeUnit.NANOSECONDS);
          } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
              throw ex;
            }
            if (e.getCause() instanceof Error err) {
              throw err;
            }
            throw e;
          } catch (TimeoutException e) {
            throw new AssertionError("task '" + name + "' did not finish within " + bound, e);
          }
        };
      }
    };
  }

  /** Offloaded work of a deterministic loop, joined by driving the loop. */
  static Concurrency offloads(DeterministicLoop loop) {
    return new Concurrency() {
      @Override
      public <T> Task<T> fork(String name, Callable<T> work) {
        CompletableFuture<T> result = loop.offload(work).toCompletableFuture();
        return () -> loop.join("Task.join(" + name + ")", result);
      }
    };
  }
}
