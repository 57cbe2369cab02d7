package io.morgana.testkit.contract;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How a test drives the {@link EventLoop} its devices run on: runs code on the loop thread and
 * waits for a condition. Two kinds:
 *
 * <ul>
 *   <li>{@link #deterministic(DeterministicLoop)}: the test thread turns the loop; waiting runs it
 *       until idle and advances virtual time from deadline to deadline, so a timeout is virtual
 *       time and nothing real is waited for.
 *   <li>{@link #threaded(EventLoop)}: the loop runs on its own thread (a {@code KernelLoop} over a
 *       TAP device); code is handed to it with {@link EventLoop#execute}, and waiting checks the
 *       condition on the loop thread until it holds or the (real) timeout passes.
 * </ul>
 */
public interface LoopDriver {

  /** The loop being driven. */
  EventLoop loop();

  /** Runs {@code task} on the loop thread and returns its result (or throws what it threw). */
  <T> T call(Callable<T> task) throws Exception;

  /** Runs {@code task} on the loop thread and waits for it. */
  default void run(Runnable task) {
    try {
      call(() -> {
        task.run();
        return null;
      });
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Lets the loop work until {@code condition} (evaluated on the loop thread) holds, or {@code
   * timeout} has passed.
   *
   * @return whether the condition holds
   */
  boolean runUntil(BooleanSupplier condition, Duration timeout);

  /** Lets the loop work for {@code period} (virtual or real) with nothing to wait for. */
  default void settle(Duration period) {
    runUntil(() -> false, period);
  }

  /** A driver for a loop the test thread turns. */
  static LoopDriver deterministic(DeterministicLoop loop) {
    return new LoopDriver() {
      @Override
      public EventLoop loop() {
        return loop;
      }

      @Override
      public <T> T call(Callable<T> task) throws Exception {
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        loop.execute(() -> {
          try {
            result[0] = task.call();
          } catch (Exception e) {
            failure[0] = e;
          }
        });
        loop.runUntilIdle();
        if (failure[0] != null) {
          throw failure[0];
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
      }

      @Override
      public boolean runUntil(BooleanSupplier condition, Duration timeout) {
        long end = loop.nowNanos() + timeout.toNanos();
        while (true) {
          loop.runUntilIdle();
          if (condition.getAsBoolean()) {
            return true;
          }
          long next = loop.nextDeadlineNanos();
          if (next == Pollable.NO_DEADLINE || next > end) {
            loop.advanceTo(Math.max(end, loop.nowNanos()));
            return condition.getAsBoolean();
          }
          loop.advanceTo(Math.max(next, loop.nowNanos()));
        }
      }
    };
  }

  /** A driver for a loop that runs on its own thread. */
  static LoopDriver threaded(EventLoop loop) {
    return new LoopDriver() {
      @Override
      public EventLoop loop() {
        return loop;
      }

      @Override
      public <T> T call(Callable<T> task) throws Exception {
        try {
          return new LoopBridge(loop).runAndWait(task, Duration.ofSeconds(60));
        } catch (TimeoutException e) {
          throw new IllegalStateException("the loop did not run a task within 60 s: is it running?", e);
        }
      }

      @Override
      public boolean runUntil(BooleanSupplier condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
          boolean holds;
          try {
            holds = call(condition::getAsBoolean);
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          if (holds) {
            return true;
          }
          if (System.nanoTime() - end >= 0) {
            return false;
          }
          LockSupport.parkNanos(1_000_000);
        }
      }
    };
  }
}
