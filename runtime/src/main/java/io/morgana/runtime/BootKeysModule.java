package io.morgana.runtime;

import dagger.Module;
import dagger.multibindings.Multibinds;
import java.util.Set;

/**
 * Declares the component's set of boot keys, so that a component whose modules read no boot
 * arguments still has one (empty). Modules that read boot arguments include this module and
 * contribute their keys:
 *
 * <pre>{@code
 * @Module(includes = BootKeysModule.class)
 * public final class FileBlockModule {
 *   public static final List<BootKey<?>> KEYS = List.of(DISK, DISK_SYNC, DISK_READONLY);
 *
 *   @Provides @ElementsIntoSet
 *   static Set<BootKey<?>> bootKeys() { return Set.copyOf(KEYS); }
 *   ...
 * }
 * }</pre>
 *
 * See {@link KernelComponent}.
 */
@Module
public interface BootKeysModule {

  /** The boot keys of the component's modules. */
  @Multibinds
  Set<BootKey<?>> bootKeys();
}
