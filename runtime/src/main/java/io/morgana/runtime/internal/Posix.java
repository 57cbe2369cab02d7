package io.morgana.runtime.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux system calls the kernel loop needs, as FFM downcalls that report {@code errno}.
 * Every call returns the raw result; a negative result means failure and the caller reads {@link
 * #errno(MemorySegment)} from the capture segment it passed (see {@link #newErrnoSegment(Arena)}).
 *
 * <p>Linux on x86-64 and aarch64 only ({@code struct pollfd}, {@code eventfd} flags). Each call is
 * bound on first use; when the platform or the JVM's settings do not allow it, that first call
 * throws an {@link UnsupportedOperationException} that says why.
 */
public final class Posix {

  /** {@code EINTR}: a signal interrupted the call. */
  public static final int EINTR = 4;
  /** {@code EAGAIN}: nothing to read, or the counter would overflow (non-blocking). */
  public static final int EAGAIN = 11;

  /** {@code POLLIN}: there is data to read. */
  public static final short POLLIN = 0x001;
  /** {@code POLLERR}: error condition (output only). */
  public static final short POLLERR = 0x008;
  /** {@code POLLHUP}: hung up (output only). */
  public static final short POLLHUP = 0x010;
  /** {@code POLLNVAL}: the descriptor is not open (output only). */
  public static final short POLLNVAL = 0x020;

  /** {@code EFD_NONBLOCK} ({@code O_NONBLOCK}). */
  public static final int EFD_NONBLOCK = 0x800;
  /** {@code EFD_CLOEXEC} ({@code O_CLOEXEC}). */
  public static final int EFD_CLOEXEC = 0x80000;
  /** {@code O_NONBLOCK} for {@code pipe2}. */
  public static final int O_NONBLOCK = 0x800;
  /** {@code O_CLOEXEC} for {@code pipe2}. */
  public static final int O_CLOEXEC = 0x80000;

  /**
   * {@code struct pollfd { int fd; short events; short revents; }} from {@code <poll.h>}: 8
   * bytes.
   */
  public static final StructLayout POLLFD =
      MemoryLayout.structLayout(
          JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

  /** Offset of {@code fd} in {@link #POLLFD}. */
  public static final long POLLFD_FD_OFFSET = 0;
  /** Offset of {@code events} in {@link #POLLFD}. */
  public static final long POLLFD_EVENTS_OFFSET = 4;
  /** Offset of {@code revents} in {@link #POLLFD}. */
  public static final long POLLFD_REVENTS_OFFSET = 6;

  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  /** The linker, loaded with the first call (not by {@link #checkPlatform()}). */
  private static final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
  }

  // One holder per call: building a downcall handle costs tens of milliseconds at startup, so a
  // kernel binds each call only when it first makes it (poll only after its first turn).
  private static final class Poll {
    static final MethodHandle H = downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  }

  private static final class EventFdCall {
    static final MethodHandle H = downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class Pipe2 {
    static final MethodHandle H = downcall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class Read {
    static final MethodHandle H = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  }

  private static final class Write {
    static final MethodHandle H = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  }

  private static final class Close {
    static final MethodHandle H = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  }

  private Posix() {}

  private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    try {
      MemorySegment symbol =
          Native.LINKER
              .defaultLookup()
              .find(name)
              .orElseThrow(() -> new UnsupportedOperationException("no C library symbol " + name));
      return Native.LINKER.downcallHandle(symbol, descriptor, Native.ERRNO_OPTION);
    } catch (RuntimeException | LinkageError e) {
      throw new UnsupportedOperationException(
          "cannot bind " + name + "(2) through Java FFM (is native access enabled? run with "
              + "--enable-native-access=ALL-UNNAMED or the manifest entry "
              + "Enable-Native-Access: ALL-UNNAMED): " + e,
          e);
    }
  }

  /**
   * Checks that this is Linux, where these calls and constants are right.
   *
   * @throws UnsupportedOperationException if it is not
   */
  public static void checkPlatform() {
    String os = System.getProperty("os.name", "?");
    if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      throw new UnsupportedOperationException(
          "Morgana's kernel loop needs Linux (poll(2), eventfd(2)); this is " + os);
    }
  }

  /** A segment to pass as the {@code errno} capture argument of every call here. */
  public static MemorySegment newErrnoSegment(Arena arena) {
    return arena.allocate(CAPTURE);
  }

  /** The {@code errno} a failed call left in {@code capture}. */
  public static int errno(MemorySegment capture) {
    return (int) ERRNO.get(capture, 0L);
  }

  /** {@code poll(fds, nfds, timeoutMillis)}; {@code timeoutMillis < 0} waits for ever. */
  public static int poll(MemorySegment capture, MemorySegment fds, long nfds, int timeoutMillis) {
    try {
      return (int) Poll.H.invokeExact(capture, fds, nfds, timeoutMillis);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code eventfd(initval, flags)}. */
  public static int eventfd(MemorySegment capture, int initialValue, int flags) {
    try {
      return (int) EventFdCall.H.invokeExact(capture, initialValue, flags);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code pipe2(fds, flags)}: {@code fds} holds two ints, the read end first. */
  public static int pipe2(MemorySegment capture, MemorySegment fds, int flags) {
    try {
      return (int) Pipe2.H.invokeExact(capture, fds, flags);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code read(fd, buf, count)}. */
  public static long read(MemorySegment capture, int fd, MemorySegment buf, long count) {
    try {
      return (long) Read.H.invokeExact(capture, fd, buf, count);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code write(fd, buf, count)}. */
  public static long write(MemorySegment capture, int fd, MemorySegment buf, long count) {
    try {
      return (long) Write.H.invokeExact(capture, fd, buf, count);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code close(fd)}. */
  public static int close(MemorySegment capture, int fd) {
    try {
      return (int) Close.H.invokeExact(capture, fd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof ExceptionInInitializerError e && e.getCause() instanceof RuntimeException r) {
      return r; // a holder could not bind its call: the reason, not the class-loading wrapper
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
