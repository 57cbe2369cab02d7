package io.morgana.fs.fat;

import io.morgana.api.Block;
import io.morgana.block.DiskSync;
import io.morgana.block.FileBlock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Image files and fixed clocks for tests. */
final class Images {

  private Images() {}

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:34:56.78Z"), ZoneOffset.UTC);

  /** A sparse image file of {@code bytes}, replaced if present, opened without fsync. */
  static Block create(Path file, long bytes) throws IOException {
    return FileBlock.options().sync(DiskSync.NONE).create(bytes).replaceExisting(true).open(file);
  }

  static Block open(Path file) throws IOException {
    return FileBlock.options().sync(DiskSync.NONE).open(file);
  }

  static FatFileSystem.Options options() {
    return FatFileSystem.Options.defaults().withClock(CLOCK).withCacheSectors(64);
  }
}
