package io.morgana.testkit.interop;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the interop helpers need, through FFM: {@code geteuid(2)}, {@code open(2)},
 * {@code close(2)}, {@code setns(2)}, {@code strerror(3)}.
 */
@SuppressWarnings("restricted")
final class Linux {

  /** {@code CLONE_NEWNET} from {@code <sched.h>}. */
  static final int CLONE_NEWNET = 0x4000_0000;

  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final MethodHandle GETEUID = LINKER.downcallHandle(
      LIBC.find("geteuid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
  private static final MethodHandle OPEN = LINKER.downcallHandle(
      LIBC.find("open").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
      CAPTURE_ERRNO);
  private static final MethodHandle CLOSE = LINKER.downcallHandle(
      LIBC.find("close").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle SETNS = LINKER.downcallHandle(
      LIBC.find("setns").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
      CAPTURE_ERRNO);
  private static final MethodHandle STRERROR = LINKER.downcallHandle(
      LIBC.find("strerror").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

  private Linux() {}

  static int geteuid() {
    try {
      return (int) GETEUID.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("geteuid failed", t);
    }
  }

  /** Opens {@code path} read-only (close-on-exec) and returns the descriptor. */
  static int openReadOnly(String path) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        int errno = (int) ERRNO.get(state, 0L);
        throw new IOException("open(" + path + ") failed: " + strerror(errno) + " (errno " + errno + ")");
      }
      return fd;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static void close(int fd) {
    try {
      int ignored = (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Moves the calling thread into the namespace open at {@code fd}. */
  static void setns(int fd, int nstype, String what) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int rc = (int) SETNS.invokeExact(state, fd, nstype);
      if (rc != 0) {
        int errno = (int) ERRNO.get(state, 0L);
        throw new IOException("setns(" + what + ") failed: " + strerror(errno) + " (errno " + errno + ")");
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
      return s.reinterpret(1024).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }
}
