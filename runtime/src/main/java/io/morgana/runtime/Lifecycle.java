package io.morgana.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a kernel releases when it shuts down: devices and consoles register themselves with
 * {@link #onShutdown} as they open, and {@link #close()} closes them in the reverse order — the
 * last opened first — once the loop has stopped.
 *
 * <p>{@link Kernel} owns one per process and closes it on normal exit and on SIGINT/SIGTERM. A
 * test that builds an application itself creates one and closes it (try-with-resources).
 * Thread-safe.
 */
public final class Lifecycle implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private boolean closed;

  /** An empty lifecycle. */
  public Lifecycle() {}

  /**
   * Registers {@code resource} to be closed at shutdown, before everything registered earlier.
   * If shutdown has already happened, closes it at once. Any thread.
   */
  public void onShutdown(AutoCloseable resource) {
    Objects.requireNonNull(resource, "resource");
    synchronized (this) {
      if (!closed) {
        resources.push(resource);
        return;
      }
    }
    log.debug("already shut down: closing {} at once", resource);
    closeQuietly(resource);
  }

  /** Whether {@link #close()} has begun. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Closes every registered resource, the last registered first, logging each; a resource that
   * throws is logged and the rest are still closed. Idempotent; a second call while the first is
   * running waits for it.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    AutoCloseable resource;
    while ((resource = resources.poll()) != null) {
      closeQuietly(resource);
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    log.debug("closing {}", resource);
    try {
      resource.close();
    } catch (Exception e) {
      log.warn("closing {} failed", resource, e);
    }
  }
}
