package io.morgana.block;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Block;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;

/**
 * Binds {@link Block} to a zeroed {@link RamBlock}, sized by boot arguments:
 *
 * <ul>
 *   <li>{@code --ram-disk-size=SIZE} (default {@code 64M}): bytes, or with a K, M, G suffix; a
 *       whole number of sectors. Memory is used only as sectors are written.
 *   <li>{@code --ram-disk-sector-size=N} (default 512): a power of two >= 512.
 * </ul>
 *
 * Registered with the {@link Lifecycle}, which frees it at shutdown. Needs {@link BootArguments}
 * and {@link Lifecycle} bound in the component.
 */
@Module(includes = BootKeysModule.class)
public final class RamBlockModule {

  /** {@code --ram-disk-size=SIZE}. */
  public static final BootKey<Long> RAM_DISK_SIZE = BootKey.of("ram-disk-size",
      "size of the RAM disk in bytes (K, M, G suffixes)", 64L << 20, ByteSizes::parse);

  /** {@code --ram-disk-sector-size=N}. */
  public static final BootKey<Integer> RAM_DISK_SECTOR_SIZE = BootKey.of("ram-disk-sector-size",
      "sector size of the RAM disk: 512, 1024, 2048, 4096...", RamBlock.DEFAULT_SECTOR_SIZE, text -> {
        int n = Integer.parseInt(text.trim());
        if (n < 512 || Integer.bitCount(n) != 1) {
          throw new IllegalArgumentException("not a power of two >= 512");
        }
        return n;
      });

  /** The keys this module reads. */
  public static final List<BootKey<?>> KEYS = List.of(RAM_DISK_SIZE, RAM_DISK_SECTOR_SIZE);

  private RamBlockModule() {}

  /** Contributes {@link #KEYS} to the component's boot keys: a component with this module accepts them. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  /**
   * Creates the disk.
   *
   * @throws IllegalArgumentException when the size is not a whole number of sectors
   */
  @Provides
  @Singleton
  static Block disk(BootArguments arguments, Lifecycle lifecycle) {
    long size = arguments.get(RAM_DISK_SIZE);
    int sectorSize = arguments.get(RAM_DISK_SECTOR_SIZE);
    if (size % sectorSize != 0) {
      throw new IllegalArgumentException(
          "--ram-disk-size=" + size + " is not a whole number of " + sectorSize + "-byte sectors");
    }
    RamBlock disk = RamBlock.create(sectorSize, size / sectorSize);
    lifecycle.onShutdown(disk);
    return disk;
  }
}
