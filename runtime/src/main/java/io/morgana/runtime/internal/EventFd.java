package io.morgana.runtime.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A Linux {@code eventfd(2)} counter, non-blocking and close-on-exec: {@link #signal()} from any
 * thread makes {@link #fd()} readable until the owner calls {@link #drain()}.
 *
 * <p>{@link #signal()} and {@link #close()} are serialised, so a signal racing with close never
 * writes to a descriptor number the process has since reused.
 */
public final class EventFd implements AutoCloseable {

  private final Arena arena = Arena.ofShared();
  private final int fd;
  // Guarded by this: the value written by signal() and its errno capture.
  private final MemorySegment one;
  private final Errno signalErrno;
  // Owner thread only: drain()'s buffer and errno capture.
  private final MemorySegment counter;
  private final Errno drainErrno;
  private boolean closed;

  /**
   * Creates the counter.
   *
   * @throws IllegalStateException with errno when the kernel refuses (descriptor limit)
   */
  public EventFd() {
    Errno errno = new Errno(arena);
    int created = Libc.eventfd(errno, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
    if (created < 0) {
      IllegalStateException e =
          new IllegalStateException(errno.exception("eventfd(0, EFD_NONBLOCK|EFD_CLOEXEC)").getMessage());
      arena.close();
      throw e;
    }
    fd = created;
    one = arena.allocate(JAVA_LONG);
    one.set(JAVA_LONG, 0, 1L);
    signalErrno = errno;
    counter = arena.allocate(JAVA_LONG);
    drainErrno = new Errno(arena);
  }

  /** The descriptor to poll for {@code POLLIN}. */
  public int fd() {
    return fd;
  }

  /**
   * Adds one to the counter, making {@link #fd()} readable. Any thread; does nothing once closed.
   * A full counter ({@code EAGAIN}) is already readable, which is all a signal means.
   */
  public synchronized void signal() {
    if (closed) {
      return;
    }
    Libc.write(signalErrno, fd, one, 8);
  }

  /**
   * Resets the counter to zero so that {@link #fd()} is no longer readable. The owner's thread.
   *
   * @return whether it had been signalled
   */
  public boolean drain() {
    return Libc.read(drainErrno, fd, counter, 8) == 8;
  }

  /** Closes the descriptor. Idempotent; later signals do nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Libc.close(signalErrno, fd);
    arena.close();
  }
}
