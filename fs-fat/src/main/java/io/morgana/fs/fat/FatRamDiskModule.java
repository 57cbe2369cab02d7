package io.morgana.fs.fat;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Block;
import io.morgana.block.RamBlock;
import io.morgana.block.RamBlockModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Binds {@link Block} to a RAM disk formatted with FAT ({@link FormatOptions#defaults()}), sized
 * by {@link RamBlockModule}'s keys ({@code --ram-disk-size=SIZE}, default 64M; {@code
 * --ram-disk-sector-size=N}): the disk of an application's test component, or a scratch volume
 * that lives as long as the kernel. {@link FatFsModule} mounts it as usual, so a test swaps
 * {@code FileBlockModule} for this module and keeps everything else:
 *
 * <pre>{@code
 * @Component(modules = {NotesModule.class, SwitchNetifModule.class, TcpipStackModule.class,
 *     StaticIpv4Module.class, FatRamDiskModule.class, FatFsModule.class})
 * }</pre>
 *
 * ({@code RamBlockModule} alone gives a zeroed disk, which {@link FatFsModule} refuses to mount.)
 * Registered with the {@link Lifecycle}, which frees it. It lives in {@code fs-fat} rather than in
 * the testkit because the testkit cannot depend on {@code fs-fat}, whose own tests use the
 * testkit.
 */
@Module(includes = BootKeysModule.class)
public final class FatRamDiskModule {

  private FatRamDiskModule() {}

  /** Contributes {@link RamBlockModule#KEYS}: a component with this module accepts them. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(RamBlockModule.KEYS);
  }

  /**
   * Creates and formats the disk.
   *
   * @throws IllegalArgumentException when the size is not a whole number of sectors
   * @throws UncheckedIOException when it is too small to format
   */
  @Provides
  @Singleton
  static Block disk(BootArguments arguments, Lifecycle lifecycle) {
    long size = arguments.get(RamBlockModule.RAM_DISK_SIZE);
    int sectorSize = arguments.get(RamBlockModule.RAM_DISK_SECTOR_SIZE);
    if (size % sectorSize != 0) {
      throw new IllegalArgumentException(
          "--ram-disk-size=" + size + " is not a whole number of " + sectorSize + "-byte sectors");
    }
    RamBlock disk = RamBlock.create(sectorSize, size / sectorSize);
    lifecycle.onShutdown(disk);
    try {
      FatFileSystem.format(disk, FormatOptions.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot format a " + size + "-byte RAM disk with FAT", e);
    }
    return disk;
  }
}
