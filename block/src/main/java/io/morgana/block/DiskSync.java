package io.morgana.block;

/**
 * When a {@link FileBlock}'s writes reach stable storage; the boot key {@code --disk-sync}.
 */
public enum DiskSync {
  /**
   * {@link FileBlock#flush()} does nothing: data reaches the disk whenever the host's page cache
   * writes it back. Fast; a host crash may lose or reorder recent writes. For tests and scratch
   * images.
   */
  NONE,
  /**
   * {@link FileBlock#flush()} calls {@code FileChannel.force(false)} ({@code fdatasync(2)}): every
   * write completed before the flush is durable when it returns. The default.
   */
  FLUSH,
  /**
   * The file is opened with {@code O_DSYNC}: every write is durable when it returns, and {@link
   * FileBlock#flush()} forces once more. Slowest; for images whose users never flush.
   */
  DSYNC;

  /** Parses {@code none}, {@code flush} or {@code dsync} (any case). */
  public static DiskSync parse(String text) {
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "none" -> NONE;
      case "flush" -> FLUSH;
      case "dsync" -> DSYNC;
      default -> throw new IllegalArgumentException("disk sync mode must be none, flush or dsync, got '" + text + "'");
    };
  }

  /** The boot-argument spelling: {@code none}, {@code flush}, {@code dsync}. */
  public String argument() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The boot-argument spelling, so that {@code --help} shows the default as it is typed. */
  @Override
  public String toString() {
    return argument();
  }
}
