package io.morgana.block.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * Deallocates byte ranges of a file or block device with {@code fallocate(fd,
 * FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)} (Linux {@code fallocate(2)}): the
 * range then reads as zeros and, in a sparse file, no longer takes space. It holds its own
 * descriptor ({@code open(path, O_WRONLY | O_CLOEXEC)}), opened on first use.
 *
 * <p>Bound through FFM on first use only, so a program that never discards never touches native
 * code. Every failure — the platform or JVM refuses native access, the file system does not
 * support hole punching ({@code EOPNOTSUPP}) — is an {@link IOException} whose message says why;
 * the caller falls back to writing zeros.
 */
public final class HolePuncher implements AutoCloseable {

  private static final int O_WRONLY = 0x1;
  private static final int O_CLOEXEC = 0x80000;
  private static final int FALLOC_FL_KEEP_SIZE = 0x01;
  private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
  private static final int EINTR = 4;

  private final Path path;
  private int fd = -1;
  private boolean closed;

  public HolePuncher(Path path) {
    this.path = path;
  }

  @SuppressWarnings("restricted")
  private static final class Calls {
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    static final MethodHandle OPEN;
    static final MethodHandle FALLOCATE;
    static final MethodHandle CLOSE;

    static {
      Linker linker = Linker.nativeLinker();
      Linker.Option errno = Linker.Option.captureCallState("errno");
      var libc = linker.defaultLookup();
      OPEN = linker.downcallHandle(libc.find("open").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno, Linker.Option.firstVariadicArg(2));
      FALLOCATE = linker.downcallHandle(libc.find("fallocate").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), errno);
      CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
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
      MemorySegment capture = arena.allocate(Calls.CAPTURE);
      if (fd < 0) {
        MemorySegment name = arena.allocateFrom(path.toString());
        int r = (int) Calls.OPEN.invokeExact(capture, name, O_WRONLY | O_CLOEXEC, 0);
        if (r < 0) {
          throw new IOException("open(" + path + ") for hole punching failed: errno " + (int) Calls.ERRNO.get(capture, 0L));
        }
        fd = r;
      }
      int r;
      do {
        r = (int) Calls.FALLOCATE.invokeExact(capture, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
      } while (r < 0 && (int) Calls.ERRNO.get(capture, 0L) == EINTR);
      if (r < 0) {
        throw new IOException("fallocate(PUNCH_HOLE) on " + path + " failed: errno " + (int) Calls.ERRNO.get(capture, 0L));
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) { // native access refused, symbol missing, ...
      throw new IOException("cannot punch holes in " + path + ": " + t, t);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (fd >= 0) {
      try {
        int ignored = (int) Calls.CLOSE.invokeExact(fd);
      } catch (Throwable t) {
        // nothing useful to do: the descriptor is gone either way
      }
      fd = -1;
    }
  }
}
