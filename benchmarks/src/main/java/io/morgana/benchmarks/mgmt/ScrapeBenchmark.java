package io.morgana.benchmarks.mgmt;

import io.morgana.mgmt.KernelMetrics;
import io.morgana.mgmt.MetricsSource;
import io.morgana.mgmt.tcpip.TcpipMetrics;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.testkit.EthernetSwitch;
import java.util.Set;
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
 * The cost of one scrape of a kernel with the stack ({@code GET /metrics} without the HTTP
 * transport): reading every counter on the loop through {@link LoopBridge#call}, the JVM's
 * metrics, and writing the text.
 *
 * <ul>
 *   <li>{@code expose}: the whole scrape, in Prometheus text or OpenMetrics ({@code format}).
 *   <li>{@code exposeJvmOnly}: the same without Morgana's metrics: the JVM instrumentation's share.
 *   <li>{@code loopRead}: only what the kernel loop does per scrape ({@link MetricsSource#read}),
 *       the time the loop is kept from packets.
 * </ul>
 *
 * {@code loop=kernel} crosses to a real {@link KernelLoop} thread; {@code loop=deterministic}
 * runs the loop's part on the benchmark thread (no handoff). Allocation per scrape: add {@code
 * -prof gc} ({@code gc.alloc.rate.norm}).
 *
 * <p>{@code benchmarks/run jmh ScrapeBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ScrapeBenchmark {

  /** Which loop owns the stack. */
  @Param({"kernel", "deterministic"})
  public String loop;

  /** The exposition format. */
  @Param({"prometheus", "openmetrics"})
  public String format;

  private EventLoop eventLoop;
  private EthernetSwitch ethernet;
  private TcpipStack stack;
  private KernelMetrics metrics;
  private KernelMetrics jvmOnly;
  private MetricsSource source;
  private String accept;

  @Setup(Level.Trial)
  public void setUp() {
    if (loop.equals("kernel")) {
      KernelLoop k = new KernelLoop("scrape-bench");
      k.start();
      eventLoop = k;
    } else {
      eventLoop = new DeterministicLoop();
    }
    ethernet = new EthernetSwitch(eventLoop);
    stack = new TcpipStack(ethernet.newPort(), eventLoop, Ipv4Config.of("192.0.2.2/24", "192.0.2.1"));
    source = new TcpipMetrics(stack, "tap0");
    metrics = new KernelMetrics(new LoopBridge(eventLoop), Set.of(source), Set.of());
    jvmOnly = new KernelMetrics(new LoopBridge(eventLoop), Set.of(), Set.of());
    accept = format.equals("openmetrics") ? "application/openmetrics-text;version=1.0.0" : "text/plain;version=0.0.4";
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    new LoopBridge(eventLoop).runAndWait(() -> {
      stack.close();
      return null;
    }, java.time.Duration.ofSeconds(5));
    ethernet.close();
    if (eventLoop instanceof KernelLoop k) {
      k.close();
    }
  }

  @Benchmark
  public int expose() {
    return metrics.expose(accept).body().length;
  }

  @Benchmark
  public int exposeJvmOnly() {
    return jvmOnly.expose(accept).body().length;
  }

  @Benchmark
  public Object loopRead() {
    // The loop's share, measured on the benchmark thread (the stack is idle: nothing races it).
    return source.read(eventLoop.nowNanos());
  }
}
