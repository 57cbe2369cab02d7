package io.morgana.benchmarks.net;

import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EventLoop} for single-threaded benchmarks: the benchmark thread is the loop thread,
 * {@link #execute} runs the task at once, time stands still unless set. Lets a benchmark push a
 * frame into a stack and measure exactly the work that frame causes, or a fuzzer push a million
 * frames through one in virtual time.
 */
public final class SyncLoop implements EventLoop {

  private final List<Pollable> pollables = new ArrayList<>();
  private long now = 1_000_000_000L;

  @Override
  public long nowNanos() {
    return now;
  }

  /** Moves the clock forward by {@code nanos}. */
  public void advance(long nanos) {
    now += nanos;
  }

  @Override
  public boolean inLoop() {
    return true;
  }

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public Cancellable schedule(long deadlineNanos, Runnable task) {
    return () -> {};
  }

  @Override
  public Cancellable register(Pollable pollable) {
    pollables.add(pollable);
    return () -> pollables.remove(pollable);
  }

  @Override
  public void wakeup() {}

  @Override
  public <T> java.util.concurrent.CompletionStage<T> offload(java.util.concurrent.Callable<T> work) {
    throw new UnsupportedOperationException("benchmarks do not offload");
  }

  @Override
  public <T> T join(String call, java.util.concurrent.CompletableFuture<T> stage) {
    throw new UnsupportedOperationException(call + ": benchmarks make no blocking calls");
  }

  /** Polls every registered pollable until none has work (at most 64 rounds); returns whether any had. */
  public boolean pollUntilIdle() {
    boolean any = false;
    for (int round = 0; round < 64; round++) {
      boolean worked = false;
      for (Pollable p : List.copyOf(pollables)) {
        worked |= p.poll(now);
      }
      if (!worked) {
        return any;
      }
      any = true;
    }
    return any;
  }

  /** Polls every registered pollable once. */
  void pollAll() {
    for (Pollable p : pollables) {
      p.poll(now);
    }
  }
}
