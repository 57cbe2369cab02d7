package io.morgana.mgmt.fat;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.morgana.api.Block;
import io.morgana.fs.fat.FatFileSystem;
import io.prometheus.metrics.model.registry.MultiCollector;

/**
 * The FAT volume's and its disk's figures ({@link FatMetrics}) for {@link
 * io.morgana.mgmt.ManagementModule}. List it next to {@code FatFsModule}.
 */
@Module
public abstract class FatManagementModule {

  private FatManagementModule() {}

  @Provides
  @IntoSet
  static MultiCollector metrics(Block block, FatFileSystem fs) {
    return new FatMetrics(block, fs);
  }
}
