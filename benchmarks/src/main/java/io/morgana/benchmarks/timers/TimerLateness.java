package io.morgana.benchmarks.timers;

import io.morgana.runtime.KernelLoop;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Schedules timers one after another on an otherwise idle {@link KernelLoop}, each at a random
 * offset of 20 µs to 1 ms from the time the previous one ran, and records how late each ran
 * ({@code System.nanoTime()} in the timer minus its deadline). The peer, measured in the same
 * run: a platform thread that parks ({@link LockSupport#parkNanos}) until deadlines drawn the
 * same way — the JVM's own nanosecond sleep, under the same kernel timer slack.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar io.morgana.benchmarks.timers.TimerLateness [N] [WARMUP]
 * </pre>
 *
 * Prints one markdown table: p50, p90, p99 and max lateness in µs of N timers (default 5000)
 * after WARMUP (default 2000) unrecorded ones.
 */
public final class TimerLateness {

  private static final long MIN_OFFSET_NANOS = 20_000;
  private static final long MAX_OFFSET_NANOS = 1_000_000;

  private TimerLateness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    long[] loop = kernelLoop(n, warmup, new SplittableRandom(1));
    long[] park = parkNanos(n, warmup, new SplittableRandom(1));
    System.out.println("| timer lateness, µs (" + n + " timers at random offsets of 20 µs–1 ms) | p50 | p90 | p99 | max |");
    System.out.println("|---|---:|---:|---:|---:|");
    System.out.println(row("KernelLoop.schedule", loop));
    System.out.println(row("platform thread, LockSupport.parkNanos (peer)", park));
  }

  private static String row(String what, long[] lateness) {
    Arrays.sort(lateness);
    return "| " + what + " | " + micros(percentile(lateness, 50)) + " | " + micros(percentile(lateness, 90))
        + " | " + micros(percentile(lateness, 99)) + " | " + micros(lateness[lateness.length - 1]) + " |";
  }

  private static long percentile(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String micros(long nanos) {
    return String.format("%.1f", nanos / 1000.0);
  }

  private static long offset(SplittableRandom random) {
    return random.nextLong(MIN_OFFSET_NANOS, MAX_OFFSET_NANOS);
  }

  /** Each timer, when it runs, records its lateness and schedules the next: one at a time. */
  private static long[] kernelLoop(int n, int warmup, SplittableRandom random) throws Exception {
    long[] lateness = new long[n];
    CompletableFuture<Void> done = new CompletableFuture<>();
    try (KernelLoop loop = new KernelLoop("timers")) {
      loop.start();
      loop.execute(new Runnable() {
        int fired = -warmup;
        long deadline;

        @Override
        public void run() {
          deadline = System.nanoTime() + offset(random);
          loop.schedule(deadline, this::fire);
        }

        private void fire() {
          long late = System.nanoTime() - deadline;
          if (fired >= 0) {
            lateness[fired] = late;
          }
          if (++fired == n) {
            done.complete(null);
          } else {
            run();
          }
        }
      });
      done.get();
    }
    return lateness;
  }

  private static long[] parkNanos(int n, int warmup, SplittableRandom random) {
    long[] lateness = new long[n];
    for (int i = -warmup; i < n; i++) {
      long deadline = System.nanoTime() + offset(random);
      long now;
      while ((now = System.nanoTime()) < deadline) {
        LockSupport.parkNanos(deadline - now);
      }
      if (i >= 0) {
        lateness[i] = now - deadline;
      }
    }
    return lateness;
  }
}
