package io.morgana.net.tap.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux C library calls the TAP driver makes, as FFM downcalls that capture {@code errno}
 * ({@link Linker.Option#captureCallState}). Each call takes a caller-owned {@link Errno}, so a
 * driver on the loop thread calls {@code read}/{@code write} without allocating.
 *
 * <p>Constants are those of Linux on x86-64 and arm64 ({@code <asm-generic/fcntl.h>}, {@code
 * <asm-generic/errno-base.h>}, {@code <linux/if_tun.h>}, {@code <linux/sockios.h>}).
 */
public final class Libc {

  /** {@code O_RDWR}. */
  public static final int O_RDWR = 2;
  /** {@code O_NONBLOCK} (asm-generic: 04000). */
  public static final int O_NONBLOCK = 0x800;
  /** {@code O_CLOEXEC} (asm-generic: 02000000). */
  public static final int O_CLOEXEC = 0x80000;

  /** {@code AF_INET}. */
  public static final int AF_INET = 2;
  /** {@code SOCK_DGRAM}. */
  public static final int SOCK_DGRAM = 2;
  /** {@code SOCK_CLOEXEC}. */
  public static final int SOCK_CLOEXEC = O_CLOEXEC;

  /** {@code TUNSETIFF = _IOW('T', 202, int)}. */
  public static final long TUNSETIFF = 0x400454caL;
  /** {@code SIOCGIFFLAGS}. */
  public static final long SIOCGIFFLAGS = 0x8913L;
  /** {@code SIOCGIFMTU}. */
  public static final long SIOCGIFMTU = 0x8921L;
  /** {@code SIOCGIFINDEX}. */
  public static final long SIOCGIFINDEX = 0x8933L;

  /** {@code EPERM}. */
  public static final int EPERM = 1;
  /** {@code ENOENT}. */
  public static final int ENOENT = 2;
  /** {@code EINTR}. */
  public static final int EINTR = 4;
  /** {@code EIO}. */
  public static final int EIO = 5;
  /** {@code EBADF}. */
  public static final int EBADF = 9;
  /** {@code EAGAIN} (= {@code EWOULDBLOCK}). */
  public static final int EAGAIN = 11;
  /** {@code ENOMEM}. */
  public static final int ENOMEM = 12;
  /** {@code EACCES}. */
  public static final int EACCES = 13;
  /** {@code EBUSY}. */
  public static final int EBUSY = 16;
  /** {@code ENODEV}. */
  public static final int ENODEV = 19;
  /** {@code EINVAL}. */
  public static final int EINVAL = 22;
  /** {@code ENOBUFS}. */
  public static final int ENOBUFS = 105;
  /** {@code EBADFD}. */
  public static final int EBADFD = 77;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final MethodHandle OPEN =
      downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
  private static final MethodHandle CLOSE =
      downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
  private static final MethodHandle READ =
      downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
  private static final MethodHandle WRITE =
      downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
  private static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
  // int ioctl(int fd, unsigned long request, ...): variadic from the third argument on.
  private static final MethodHandle IOCTL =
      downcall(
          "ioctl",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
          CAPTURE_ERRNO,
          Linker.Option.firstVariadicArg(2));

  private Libc() {}

  private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
    MemorySegment symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("C library function not found: " + name));
    return LINKER.downcallHandle(symbol, fd, options);
  }

  /**
   * The {@code errno} a call left behind: a small native buffer the downcalls write into. One per
   * thread that makes calls; reuse it (it allocates nothing after construction).
   */
  public static final class Errno {
    private final MemorySegment state;

    /** A capture buffer allocated in {@code arena}. */
    public Errno(Arena arena) {
      this.state = arena.allocate(CAPTURE_LAYOUT);
    }

    /** The {@code errno} of the last failed call made with this buffer. */
    public int value() {
      return (int) ERRNO.get(state, 0L);
    }
  }

  /** {@code open(path, flags)}; returns the descriptor or -1 (see {@code errno}). */
  public static int open(Errno errno, MemorySegment path, int flags) {
    try {
      return (int) OPEN.invokeExact(errno.state, path, flags);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** {@code close(fd)}; returns 0 or -1. */
  public static int close(Errno errno, int fd) {
    try {
      return (int) CLOSE.invokeExact(errno.state, fd);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** {@code read(fd, buf, count)}; returns bytes read or -1. */
  public static long read(Errno errno, int fd, MemorySegment buf, long count) {
    try {
      return (long) READ.invokeExact(errno.state, fd, buf, count);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** {@code write(fd, buf, count)}; returns bytes written or -1. */
  public static long write(Errno errno, int fd, MemorySegment buf, long count) {
    try {
      return (long) WRITE.invokeExact(errno.state, fd, buf, count);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** {@code socket(domain, type, protocol)}; returns the descriptor or -1. */
  public static int socket(Errno errno, int domain, int type, int protocol) {
    try {
      return (int) SOCKET.invokeExact(errno.state, domain, type, protocol);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** {@code ioctl(fd, request, arg)} with a pointer argument; returns the result or -1. */
  public static int ioctl(Errno errno, int fd, long request, MemorySegment arg) {
    try {
      return (int) IOCTL.invokeExact(errno.state, fd, request, arg);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** The symbolic name of an {@code errno} value, for messages ({@code "EACCES"}). */
  public static String errnoName(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case EINTR -> "EINTR";
      case EIO -> "EIO";
      case EBADF -> "EBADF";
      case EAGAIN -> "EAGAIN";
      case ENOMEM -> "ENOMEM";
      case EACCES -> "EACCES";
      case EBUSY -> "EBUSY";
      case ENODEV -> "ENODEV";
      case EINVAL -> "EINVAL";
      case EBADFD -> "EBADFD";
      case ENOBUFS -> "ENOBUFS";
      default -> "errno " + errno;
    };
  }

  private static RuntimeException propagate(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("native call failed", t);
  }
}
