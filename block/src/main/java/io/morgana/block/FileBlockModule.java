package io.morgana.block;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Binds {@link Block} to a {@link FileBlock} chosen by boot arguments:
 *
 * <ul>
 *   <li>{@code --disk=PATH} (required): the image file or block device;
 *   <li>{@code --disk-sync=none|flush|dsync} (default {@code flush}): see {@link DiskSync};
 *   <li>{@code --disk-readonly}: open it read-only (shared lock; writes fail).
 * </ul>
 *
 * The device is opened (and locked) when the component first provides it, and registered with
 * the {@link Lifecycle} to be closed at shutdown. The module contributes {@link #KEYS} to the
 * component's boot keys, so a kernel booted without {@code --disk} stops at once with a message
 * naming it (exit status 2). Needs {@link BootArguments} and {@link Lifecycle} bound in the
 * component ({@code @BindsInstance}).
 */
@Module(includes = BootKeysModule.class)
public final class FileBlockModule {

  /** {@code --disk=PATH}. */
  public static final BootKey<Path> DISK = BootKey.required("disk", "disk image file or block device", Path::of);

  /** {@code --disk-sync=none|flush|dsync}. */
  public static final BootKey<DiskSync> DISK_SYNC = BootKey.of("disk-sync",
      "when writes reach stable storage: none (never forced), flush (on each flush), dsync (on each write)",
      DiskSync.FLUSH, DiskSync::parse);

  /** {@code --disk-readonly}. */
  public static final BootKey<Boolean> DISK_READONLY = BootKey.flag("disk-readonly", "open the disk read-only");

  /** The keys this module reads. */
  public static final List<BootKey<?>> KEYS = List.of(DISK, DISK_SYNC, DISK_READONLY);

  private FileBlockModule() {}

  /** Contributes {@link #KEYS} to the component's boot keys: a component with this module accepts them. */
  @Provides
  @ElementsIntoSet
  static Set<BootKey<?>> bootKeys() {
    return Set.copyOf(KEYS);
  }

  /**
   * Opens the disk.
   *
   * @throws UncheckedIOException wrapping a {@link BlockException} when the file cannot be opened
   *     or locked (Dagger providers cannot throw checked exceptions)
   */
  @Provides
  @Singleton
  static Block disk(BootArguments arguments, Lifecycle lifecycle) {
    Path path = arguments.get(DISK);
    try {
      FileBlock disk = FileBlock.options()
          .sync(arguments.get(DISK_SYNC))
          .readOnly(arguments.get(DISK_READONLY))
          .open(path);
      lifecycle.onShutdown(disk);
      return disk;
    } catch (BlockException e) {
      throw new UncheckedIOException(e);
    }
  }
}
