package io.morgana.xen.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** The few libc calls the Xen devices need, through FFM, with {@code errno} captured. */
@SuppressWarnings("restricted")
final class LibC {

  static final int O_RDWR = 2;
  static final int O_NONBLOCK = 0x800;
  static final int O_CLOEXEC = 0x80000;
  static final int PROT_READ = 1;
  static final int PROT_WRITE = 2;
  static final int MAP_SHARED = 1;
  static final int EAGAIN = 11;
  static final int EINTR = 4;
  static final int EFBIG = 27;
  static final int ENOENT = 2;
  static final int EACCES = 13;
  static final int EPERM = 1;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CCS = Linker.Option.captureCallState("errno");

  private static final MethodHandle OPEN = handle("open",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
      CCS, Linker.Option.firstVariadicArg(2));
  private static final MethodHandle CLOSE = handle("close",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CCS);
  private static final MethodHandle READ = handle("read",
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), CCS);
  private static final MethodHandle WRITE = handle("write",
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), CCS);
  private static final MethodHandle IOCTL = handle("ioctl",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
      CCS, Linker.Option.firstVariadicArg(2));
  private static final MethodHandle MMAP = handle("mmap",
      FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
          ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), CCS);
  private static final MethodHandle MUNMAP = handle("munmap",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), CCS);

  private LibC() {}

  private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
    return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), fd, options);
  }

  /** A confined arena's errno slot. */
  static MemorySegment errnoSlot(Arena arena) {
    return arena.allocate(CAPTURE);
  }

  static int errno(MemorySegment slot) {
    return (int) ERRNO.get(slot, 0L);
  }

  /** open(2); returns the fd or throws with errno. */
  static int open(String path, int flags) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = errnoSlot(a);
      int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags, 0);
      if (fd < 0) {
        throw new LinuxException("open(" + path + ")", errno(st));
      }
      return fd;
    } catch (LinuxException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static void close(int fd) {
    try (Arena a = Arena.ofConfined()) {
      int r = (int) CLOSE.invokeExact(errnoSlot(a), fd);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** read(2): bytes read, or -errno. */
  static long read(int fd, MemorySegment buf, long len, MemorySegment errnoSlot) {
    try {
      long n = (long) READ.invokeExact(errnoSlot, fd, buf, len);
      return n >= 0 ? n : -errno(errnoSlot);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** write(2): bytes written, or -errno. */
  static long write(int fd, MemorySegment buf, long len, MemorySegment errnoSlot) {
    try {
      long n = (long) WRITE.invokeExact(errnoSlot, fd, buf, len);
      return n >= 0 ? n : -errno(errnoSlot);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** ioctl(2) with a pointer argument: the result (>= 0) or throws with errno. */
  static int ioctl(int fd, long request, MemorySegment arg, String what) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = errnoSlot(a);
      int r = (int) IOCTL.invokeExact(st, fd, request, arg);
      if (r < 0) {
        throw new LinuxException(what, errno(st));
      }
      return r;
    } catch (LinuxException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** mmap(2) of a shared read/write mapping of {@code fd} at {@code offset}. */
  static MemorySegment mmapShared(int fd, long length, long offset) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = errnoSlot(a);
      MemorySegment p = (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, length,
          PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
      if (p.address() == -1L) {
        throw new LinuxException("mmap", errno(st));
      }
      return p.reinterpret(length);
    } catch (LinuxException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static void munmap(MemorySegment seg) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = errnoSlot(a);
      int r = (int) MUNMAP.invokeExact(st, seg, seg.byteSize());
      if (r < 0) {
        throw new LinuxException("munmap", errno(st));
      }
    } catch (LinuxException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static String errnoName(int errno) {
    return switch (errno) {
      case 1 -> "EPERM";
      case 2 -> "ENOENT";
      case 4 -> "EINTR";
      case 5 -> "EIO";
      case 9 -> "EBADF";
      case 11 -> "EAGAIN";
      case 12 -> "ENOMEM";
      case 13 -> "EACCES";
      case 14 -> "EFAULT";
      case 16 -> "EBUSY";
      case 19 -> "ENODEV";
      case 22 -> "EINVAL";
      case 25 -> "ENOTTY";
      case 27 -> "EFBIG";
      case 28 -> "ENOSPC";
      case 107 -> "ENOTCONN";
      default -> "errno " + errno;
    };
  }
}
