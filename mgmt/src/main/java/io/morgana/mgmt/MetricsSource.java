package io.morgana.mgmt;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * Counters that live on the kernel loop (a device's, a protocol layer's), read in two steps so
 * that the loop does as little as possible: {@link #read} runs on the loop thread and copies the
 * numbers; the {@link Reading} it returns turns them into Prometheus metric families on the
 * scraping thread. Contributed through Dagger ({@code @IntoSet}); {@link KernelMetrics} reads every
 * source in one crossing of the {@link io.morgana.runtime.LoopBridge} per scrape.
 *
 * <p>Metric names follow the Prometheus conventions: {@code morgana_} first, then the layer,
 * base units ({@code _bytes}, {@code _seconds}), counters named without {@code _total} (the
 * exposition adds it), labels for what varies within one family ({@code netif}, {@code state},
 * {@code reason}).
 */
@FunctionalInterface
public interface MetricsSource {

  /** On the loop thread, at the loop's {@code nowNanos}: copies the numbers. Quick; no blocking. */
  Reading read(long nowNanos);

  /** Numbers copied off the loop, turned into metric families on the scraping thread. */
  @FunctionalInterface
  interface Reading {
    /** Adds this source's metric families to {@code out}. */
    void addTo(List<MetricSnapshot> out);
  }
}
