package io.morgana.xen.store;

/** A registered XenStore watch; {@link #close()} sends {@code XS_UNWATCH}. */
public interface Watch extends AutoCloseable {

  /** The watched path as registered. */
  String path();

  /** The token given at registration. */
  String token();

  /**
   * Removes the watch: no event is delivered after this returns; {@code XS_UNWATCH} is sent
   * without waiting for its reply. Does nothing the second time. Any thread.
   */
  @Override
  void close();
}
