package io.morgana.xen.store;

/**
 * Receives {@code XS_WATCH_EVENT}s, on the kernel loop. Fired once right after registration with
 * the watched path, then for every change at or below it; events may coalesce or be spurious, so
 * re-read what you care about.
 */
@FunctionalInterface
public interface WatchListener {

  /**
   * @param path the node that changed (relative if the watch was registered relative)
   * @param token the watch's token
   */
  void onEvent(String path, String token);
}
