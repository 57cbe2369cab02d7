package io.morgana.block.internal;

import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * Deallocates byte ranges of a file or block device with {@code fallocate(fd,
 * FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)} (Linux {@code fallocate(2)}): the
 * range then reads as zeros and, in a sparse file, no longer takes space. It holds its own
 * descriptor ({@code open(path, O_WRONLY | O_CLOEXEC)}), opened on first use.
 *
 * <p>The calls go through the runtime's C library binding ({@link Libc}), bound on first use only,
 * so a program that never discards never touches native code. Every failure — the platform or JVM
 * refuses native access, the file system does not support hole punching ({@code EOPNOTSUPP}) — is
 * an {@link IOException} whose message says why (an {@link
 * io.morgana.runtime.nativeio.ErrnoException} when the call failed); the caller falls back to
 * writing zeros.
 */
public final class HolePuncher implements AutoCloseable {

  private final Path path;
  private int fd = -1;
  private boolean closed;

  public HolePuncher(Path path) {
    this.path = path;
  }

  /**
   * Punches a hole of {@code length} bytes at {@code offset}; afterwards the range reads zeros.
   *
   * @throws IOException when it cannot (not supported here, native access refused, closed)
   */
  public synchronized void punch(long offset, long length) throws IOException {
    if (closed) {
      throw new IOException("closed");
    }
    try (Arena arena = Arena.ofConfined()) {
      if (fd < 0) {
        fd = Libc.open(path.toString(), Libc.O_WRONLY | Libc.O_CLOEXEC);
      }
      Errno errno = new Errno(arena);
      int r;
      do {
        r = Libc.fallocate(errno, fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
      } while (r < 0 && errno.value() == Libc.EINTR);
      if (r < 0) {
        throw errno.exception("fallocate(" + path + ", PUNCH_HOLE)");
      }
    } catch (UnsupportedOperationException e) { // native access refused, no such function
      throw new IOException("cannot punch holes in " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (fd >= 0) {
      Libc.closeQuietly(fd);
      fd = -1;
    }
  }
}
