package io.morgana.benchmarks.xen;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.morgana.xen.ring.BackRing;
import io.morgana.xen.ring.FrontRing;
import io.morgana.xen.ring.SharedRingLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Request/response round trips through a one-page shared ring ({@link FrontRing} / {@link
 * BackRing}, {@code io/ring.h} layout), the frontend on the JMH thread and the backend on a second
 * thread that busy-polls {@code req_prod} (no event channel: this measures the ring and its
 * memory ordering, not the wakeup path).
 *
 * <ul>
 *   <li>{@link #pingPong}: one request in flight; one op = one full round trip.
 *   <li>{@link #pipelined}: the ring kept full; one op = one request answered.
 * </ul>
 *
 * <p>{@code benchmarks/run jmh RingRoundTripBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RingRoundTripBenchmark {

  /** Slot stride: 8 ({@code netif_rx}, 256 slots per page) or 112 ({@code blkif}, 32 slots). */
  @Param({"8", "112"})
  public int stride;

  private FrontRing front;
  private Thread backend;
  private volatile boolean running;
  private long nextId;
  private long received;

  @Setup(Level.Trial)
  public void start() {
    MemorySegment page = Arena.ofShared().allocate(SharedRingLayout.PAGE_SIZE, SharedRingLayout.PAGE_SIZE);
    front = FrontRing.init(page, stride);
    BackRing back = BackRing.attach(page, stride);
    running = true;
    backend = Thread.ofPlatform().name("ring-backend").daemon().start(() -> serve(back));
  }

  private void serve(BackRing back) {
    MemorySegment s = back.segment();
    while (running) {
      int n = back.unconsumedRequests();
      if (n == 0) {
        Thread.onSpinWait();
        continue;
      }
      for (int i = 0; i < n; i++) {
        long id = s.get(JAVA_LONG, back.nextRequestSlot());
        s.set(JAVA_LONG, back.nextResponseSlot(), id);
      }
      back.pushResponsesAndCheckNotify();
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    running = false;
    backend.join();
  }

  /** One request, then wait for its response. */
  @Benchmark
  public long pingPong() {
    long id = nextId++;
    front.segment().set(JAVA_LONG, front.nextRequestSlot(), id);
    front.pushRequestsAndCheckNotify();
    while (front.unconsumedResponses() == 0) {
      Thread.onSpinWait();
    }
    long got = front.segment().get(JAVA_LONG, front.nextResponseSlot());
    if (got != id) {
      throw new IllegalStateException("response " + got + " for request " + id);
    }
    return got;
  }

  /** Keeps the ring full; each op consumes one response and issues one request. */
  @Benchmark
  public long pipelined() {
    while (!front.full()) {
      front.segment().set(JAVA_LONG, front.nextRequestSlot(), nextId++);
    }
    front.pushRequestsAndCheckNotify();
    while (front.unconsumedResponses() == 0) {
      Thread.onSpinWait();
    }
    long got = front.segment().get(JAVA_LONG, front.nextResponseSlot());
    if (got != received++) {
      throw new IllegalStateException("response " + got + " out of order, expected " + (received - 1));
    }
    return got;
  }
}
