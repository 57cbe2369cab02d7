package io.morgana.benchmarks.net;

import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.LoopBridge;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a crossing between an application thread and a running {@link KernelLoop} costs, the two
 * ways {@code Flow} crosses (issue 11):
 *
 * <ul>
 *   <li>{@link #call}: {@link LoopBridge#call}, as {@code Flow.read} and a {@code Flow.write} that
 *       must wait: the task is queued, the loop woken if asleep, runs it and completes a future,
 *       and the caller, parked meanwhile, is woken — a round trip between two threads;
 *   <li>{@link #writeBehind}: {@code batch} hand-overs by {@link LoopBridge#write}, as {@code
 *       Flow.write}'s write-behind, then one {@link #call} to wait for the loop to have run them
 *       all: the hand-overs cost a queue insertion each and at most one wake-up of the loop, so
 *       the time per invocation divided by {@code batch} is the amortised cost of one write.
 * </ul>
 *
 * <p>The caller is JMH's (platform) thread; {@code Flow}'s callers are virtual threads, whose
 * park and unpark go through their carrier pool instead. Figures depend heavily on whether the
 * two threads share a CPU:
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar LoopCrossingBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "--enable-native-access=ALL-UNNAMED"})
public class LoopCrossingBenchmark {

  /** Hand-overs per invocation of {@link #writeBehind}. */
  @Param({"1", "16"})
  public int batch;

  private static final LoopBridge.LoopWrite<long[], Object> COUNT = (counter, word, unused, now) -> {
    counter[0] += word;
    return true;
  };

  private KernelLoop loop;
  private LoopBridge bridge;
  /** Touched on the loop thread only. */
  private final long[] counter = new long[1];

  @Setup
  public void setUp() {
    loop = new KernelLoop("crossing-bench");
    loop.start();
    bridge = new LoopBridge(loop);
  }

  @TearDown
  public void tearDown() {
    loop.close();
  }

  @Benchmark
  public Long call() throws IOException {
    return bridge.call("bench", (CompletableFuture<Long> f) -> f.complete(counter[0]));
  }

  @Benchmark
  public Long writeBehind() throws IOException {
    for (int i = 0; i < batch; i++) {
      bridge.write(COUNT, counter, 1, null);
    }
    return bridge.call("bench", (CompletableFuture<Long> f) -> f.complete(counter[0]));
  }
}
