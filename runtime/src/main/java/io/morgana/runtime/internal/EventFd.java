package io.morgana.runtime.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
  private final MemorySegment signalErrno;
  // Owner thread only: drain()'s buffer and errno capture.
  private final MemorySegment counter;
  private final MemorySegment drainErrno;
  private boolean closed;

  /**
   * Creates the counter.
   *
   * @throws IllegalStateException with errno when the kernel refuses (descriptor limit)
   */
  public EventFd() {
    MemorySegment capture = Posix.newErrnoSegment(arena);
    int created = Posix.eventfd(capture, 0, Posix.EFD_NONBLOCK | Posix.EFD_CLOEXEC);
    if (created < 0) {
      int errno = Posix.errno(capture);
      arena.close();
      throw new IllegalStateException("eventfd(0, EFD_NONBLOCK|EFD_CLOEXEC) failed: errno " + errno);
    }
    fd = created;
    one = arena.allocate(JAVA_LONG);
    one.set(JAVA_LONG, 0, 1L);
    signalErrno = Posix.newErrnoSegment(arena);
    counter = arena.allocate(JAVA_LONG);
    drainErrno = Posix.newErrnoSegment(arena);
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
    Posix.write(signalErrno, fd, one, 8);
  }

  /**
   * Resets the counter to zero so that {@link #fd()} is no longer readable. The owner's thread.
   *
   * @return whether it had been signalled
   */
  public boolean drain() {
    return Posix.read(drainErrno, fd, counter, 8) == 8;
  }

  /** Closes the descriptor. Idempotent; later signals do nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Posix.close(signalErrno, fd);
    arena.close();
  }
}
