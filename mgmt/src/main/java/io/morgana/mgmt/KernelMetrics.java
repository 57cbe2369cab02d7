package io.morgana.mgmt;

import io.morgana.runtime.LoopBridge;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Every metric of a kernel, in one Prometheus registry of its own (not the client's global
 * default, so two kernels in one JVM — tests — do not mix): the loop's {@link MetricsSource}s,
 * read in one {@link LoopBridge#call} per scrape; any-thread {@link MultiCollector}s (a file
 * system's figures, which take the file system's lock); and the JVM's memory, GC, threads,
 * classes and process figures from the client's {@code JvmMetrics}.
 *
 * <p><b>Start-up:</b> the JVM figures and the exposition writers are set up on the first scrape,
 * not when the kernel is built: {@code JvmMetrics} reaches JMX's platform beans and, through them,
 * JFR — several hundred classes, most of the time from process start to a first HTTP response of
 * a kernel that nobody scrapes yet (benchmarks/startup.sh).
 *
 * <p><b>Threads:</b> {@link #scrape()} and {@link #expose} are called on application threads (an
 * HTTP connection's virtual thread, the console reader); called on the loop thread they fail
 * with {@link IllegalStateException}, as every blocking call does.
 */
public final class KernelMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private ExpositionFormats formats; // guarded by this; made on the first exposition
  private boolean jvmRegistered; // guarded by this

  /**
   * Metrics from {@code loopSources} (read on the loop behind {@code bridge}), {@code collectors}
   * (read on the scraping thread) and the JVM.
   */
  public KernelMetrics(LoopBridge bridge, Set<MetricsSource> loopSources, Set<MultiCollector> collectors) {
    List<MetricsSource> sources = List.copyOf(loopSources);
    if (!sources.isEmpty()) {
      registry.register(new LoopCollector(bridge, sources));
    }
    collectors.forEach(registry::register);
  }

  /** Every metric family now. */
  public MetricSnapshots scrape() {
    synchronized (this) {
      if (!jvmRegistered) {
        JvmMetrics.builder().register(registry);
        jvmRegistered = true;
      }
    }
    return registry.scrape();
  }

  private synchronized ExpositionFormats formats() {
    if (formats == null) {
      formats = ExpositionFormats.init();
    }
    return formats;
  }

  /** A scrape written in the format an HTTP {@code Accept} header asks for. */
  public record Exposition(String contentType, byte[] body) {}

  /**
   * Scrapes and writes the result in the format {@code accept} asks for: OpenMetrics text for
   * {@code application/openmetrics-text}, Prometheus text ({@code text/plain; version=0.0.4})
   * otherwise — also when the scraper asks for protobuf, which this build does not carry.
   *
   * @param accept the request's {@code Accept} header, or null
   */
  public Exposition expose(String accept) {
    ExpositionFormats known = formats();
    ExpositionFormatWriter writer = known.findWriter(accept);
    if (!writer.isAvailable()) {
      writer = known.getPrometheusTextFormatWriter();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return new Exposition(writer.getContentType(), out.toByteArray());
  }

  /** The loop's sources behind one crossing. */
  private static final class LoopCollector implements MultiCollector {
    private final LoopBridge bridge;
    private final List<MetricsSource> sources;

    LoopCollector(LoopBridge bridge, List<MetricsSource> sources) {
      this.bridge = bridge;
      this.sources = sources;
    }

    @Override
    public MetricSnapshots collect() {
      List<MetricsSource.Reading> readings;
      try {
        readings = bridge.call("KernelMetrics.scrape", (CompletableFuture<List<MetricsSource.Reading>> f) -> {
          long now = bridge.loop().nowNanos();
          List<MetricsSource.Reading> r = new ArrayList<>(sources.size());
          for (MetricsSource s : sources) {
            r.add(s.read(now));
          }
          f.complete(r);
        });
      } catch (IOException e) {
        throw new UncheckedIOException("reading the kernel loop's counters failed", e);
      }
      List<MetricSnapshot> out = new ArrayList<>();
      for (MetricsSource.Reading r : readings) {
        r.addTo(out);
      }
      return new MetricSnapshots(out);
    }
  }
}
