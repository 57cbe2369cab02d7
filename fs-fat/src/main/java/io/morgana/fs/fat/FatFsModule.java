package io.morgana.fs.fat;

import dagger.Binds;
import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import io.morgana.api.Block;
import io.morgana.api.Kv;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Binds {@link FatFileSystem} (mounted from the component's {@link Block}) and {@link Kv} over
 * it. A component may bind a {@link java.time.Clock} for timestamps; without one the system
 * clock in the default time zone is used. Mounting failures surface as {@link
 * UncheckedIOException} when the component first provides the file system.
 */
@Module
public abstract class FatFsModule {

  private FatFsModule() {}

  @BindsOptionalOf
  abstract Clock optionalClock();

  @Provides
  @Singleton
  static FatFileSystem fileSystem(Block block, Optional<Clock> clock) {
    try {
      return FatFileSystem.open(block,
          FatFileSystem.Options.defaults().withClock(clock.orElse(Clock.systemDefaultZone())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mount FAT volume on " + block, e);
    }
  }

  @Binds
  abstract Kv kv(FatKv kv);
}
