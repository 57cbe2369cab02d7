package io.morgana.mgmt.fat;

import io.morgana.api.Block;
import io.morgana.api.BlockInfo;
import io.morgana.fs.fat.FatFileSystem;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Locale;

/**
 * The disk's and the FAT volume's figures: {@code morgana_block_size_bytes}, {@code
 * morgana_block_read_only}, {@code morgana_fat_size_bytes}, {@code morgana_fat_free_bytes} and
 * {@code morgana_fat_cluster_size_bytes}, labelled with the FAT type. Read on the scraping thread:
 * the file system's figures take its lock, which a writer on an application thread may hold, so
 * they never run on the loop.
 */
public final class FatMetrics implements MultiCollector {

  private final Block block;
  private final FatFileSystem fs;

  /** Figures of {@code fs} on {@code block}. */
  public FatMetrics(Block block, FatFileSystem fs) {
    this.block = block;
    this.fs = fs;
  }

  @Override
  public MetricSnapshots collect() {
    BlockInfo info = block.info();
    Labels type = Labels.of("type", fs.type().name().toLowerCase(Locale.ROOT));
    return MetricSnapshots.of(
        gauge("morgana_block_size_bytes", "size of the disk", Unit.BYTES, Labels.EMPTY, info.sizeBytes()),
        gauge("morgana_block_read_only", "1 when the disk is read-only", null, Labels.EMPTY, info.readWrite() ? 0 : 1),
        gauge("morgana_fat_size_bytes", "bytes of the FAT volume's data clusters", Unit.BYTES, type, fs.totalBytes()),
        gauge("morgana_fat_free_bytes", "bytes of free clusters on the FAT volume", Unit.BYTES, type, fs.freeBytes()),
        gauge("morgana_fat_cluster_size_bytes", "bytes per cluster", Unit.BYTES, type, fs.clusterSize()));
  }

  private static GaugeSnapshot gauge(String name, String help, Unit unit, Labels labels, double value) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    if (unit != null) {
      b.unit(unit);
    }
    return b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build()).build();
  }
}
