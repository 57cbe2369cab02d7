package io.morgana.benchmarks.fuzz;

import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A single-threaded {@link EventLoop} in virtual time: the fuzzer's thread is the loop thread,
 * {@link #execute} runs a task at once, the clock moves only when {@link #advance} is called and
 * {@link #pollAll} drives every registered {@link Pollable} (timers, local delivery).
 */
final class FuzzLoop implements EventLoop {

  private final List<Pollable> pollables = new ArrayList<>();
  private long now = 1_000_000_000L;

  @Override
  public long nowNanos() {
    return now;
  }

  void advance(long nanos) {
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
    throw new UnsupportedOperationException("the stack schedules nothing: it exposes deadlines");
  }

  @Override
  public Cancellable register(Pollable pollable) {
    pollables.add(pollable);
    return () -> pollables.remove(pollable);
  }

  @Override
  public void wakeup() {}

  @Override
  public <T> CompletionStage<T> offload(Callable<T> work) {
    throw new UnsupportedOperationException("the fuzzer does not offload");
  }

  @Override
  public <T> T join(String call, CompletableFuture<T> stage) {
    throw new UnsupportedOperationException(call + ": the fuzzer makes no blocking calls");
  }

  /** Polls every registered pollable until none has work (bounded); returns whether any had. */
  boolean pollAll() {
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
}
