package io.morgana.benchmarks.xenstore;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.xen.store.XenStoreClient;
import io.morgana.xen.store.XenStoreRingTransport;
import io.morgana.xen.store.sim.SimXenStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one XenStore {@code XS_READ} of {@code device/vif/0/state} by a guest (domain 1) on
 * the simulated platform: the client encodes the request, the simulated xenstored checks the path
 * and permissions and answers, the client matches the reply by {@code req_id}.
 *
 * <ul>
 *   <li>{@code inJvm}: the in-JVM connection, handled synchronously on the calling thread.
 *   <li>{@code ring}: through a {@code xenstore_domain_interface} page (1024-byte rings), the
 *       event channel replaced by direct calls, so the figure is the codec, the ring copies and
 *       the server, without a thread handoff.
 * </ul>
 *
 * <p>{@code benchmarks/run jmh XenStoreReadBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class XenStoreReadBenchmark {

  /** Which transport carries the messages. */
  @Param({"inJvm", "ring"})
  public String transport;

  private XenStoreClient client;

  @Setup
  public void setUp() {
    SimXenStore store = new SimXenStore();
    store.introduceDomain(1);
    DeterministicLoop loop = new DeterministicLoop();
    if (transport.equals("inJvm")) {
      client = new XenStoreClient(store.transport(1), loop, Duration.ofSeconds(10));
    } else {
      MemorySegment page = Arena.ofShared().allocate(4096, 4096);
      SimXenStore.RingServer[] server = new SimXenStore.RingServer[1];
      XenStoreRingTransport[] guest = new XenStoreRingTransport[1];
      guest[0] = new XenStoreRingTransport(page, () -> server[0].onEvent());
      server[0] = store.serveRing(1, page, () -> guest[0].onEvent());
      client = new XenStoreClient(guest[0], loop, Duration.ofSeconds(10));
    }
    client.blocking().write("device/vif/0/state", "4");
  }

  @Benchmark
  public String read() {
    // The benchmark thread drives the deterministic loop through the blocking form.
    return client.blocking().read("device/vif/0/state");
  }
}
