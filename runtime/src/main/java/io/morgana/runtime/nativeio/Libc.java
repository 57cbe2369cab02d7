package io.morgana.runtime.nativeio;

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

/**
 * The Linux C library calls Morgana makes, as FFM downcalls that capture {@code errno}, and the
 * constants that go with them. See the {@linkplain io.morgana.runtime.nativeio package} for the
 * rules: raw results, an {@link Errno} per calling thread, {@link ErrnoException} for failures,
 * every function bound on its first call.
 *
 * <pre>{@code
 * Errno errno = new Errno(arena);
 * int fd = Libc.open(errno, arena.allocateFrom(path), Libc.O_RDWR | Libc.O_CLOEXEC, 0);
 * if (fd < 0) {
 *   throw errno.exception("open(" + path + ")");
 * }
 * }</pre>
 */
@SuppressWarnings("restricted")
public final class Libc {

  // <asm-generic/fcntl.h>
  /** {@code O_RDONLY}. */
  public static final int O_RDONLY = 0;
  /** {@code O_WRONLY}. */
  public static final int O_WRONLY = 1;
  /** {@code O_RDWR}. */
  public static final int O_RDWR = 2;
  /** {@code O_NONBLOCK} (octal 04000). */
  public static final int O_NONBLOCK = 0x800;
  /** {@code O_CLOEXEC} (octal 02000000). */
  public static final int O_CLOEXEC = 0x80000;

  // <sys/eventfd.h>
  /** {@code EFD_NONBLOCK} (= {@code O_NONBLOCK}). */
  public static final int EFD_NONBLOCK = O_NONBLOCK;
  /** {@code EFD_CLOEXEC} (= {@code O_CLOEXEC}). */
  public static final int EFD_CLOEXEC = O_CLOEXEC;

  // <sys/mman.h>
  /** {@code PROT_READ}. */
  public static final int PROT_READ = 1;
  /** {@code PROT_WRITE}. */
  public static final int PROT_WRITE = 2;
  /** {@code MAP_SHARED}. */
  public static final int MAP_SHARED = 1;

  // <sys/socket.h>
  /** {@code AF_UNIX}. */
  public static final int AF_UNIX = 1;
  /** {@code AF_INET}. */
  public static final int AF_INET = 2;
  /** {@code SOCK_STREAM}. */
  public static final int SOCK_STREAM = 1;
  /** {@code SOCK_DGRAM}. */
  public static final int SOCK_DGRAM = 2;
  /** {@code SOCK_RAW}. */
  public static final int SOCK_RAW = 3;
  /** {@code AF_PACKET}: link-layer sockets, {@code packet(7)}. */
  public static final int AF_PACKET = 17;
  /** {@code SOL_SOCKET}: the level of generic socket options. */
  public static final int SOL_SOCKET = 1;
  /** {@code SOL_PACKET}: the level of {@code AF_PACKET} socket options ({@code <linux/socket.h>}). */
  public static final int SOL_PACKET = 263;
  /** {@code MSG_DONTWAIT}: a non-blocking send or receive. */
  public static final int MSG_DONTWAIT = 0x40;
  /** {@code SOCK_NONBLOCK} (= {@code O_NONBLOCK}). */
  public static final int SOCK_NONBLOCK = O_NONBLOCK;
  /** {@code SOCK_CLOEXEC} (= {@code O_CLOEXEC}). */
  public static final int SOCK_CLOEXEC = O_CLOEXEC;

  // <sys/reboot.h>, <sys/mount.h>
  /** {@code RB_POWER_OFF} for {@link #reboot}: halt and power the machine off. */
  public static final int RB_POWER_OFF = 0x4321fedc;

  // <sched.h>, <linux/falloc.h>
  /** {@code CLONE_NEWNET}: {@link #setns} into a network namespace. */
  public static final int CLONE_NEWNET = 0x4000_0000;
  /** {@code PR_SET_TIMERSLACK} of {@code <linux/prctl.h>}: the calling thread's timer slack, ns. */
  public static final int PR_SET_TIMERSLACK = 29;
  /** {@code FALLOC_FL_KEEP_SIZE}. */
  public static final int FALLOC_FL_KEEP_SIZE = 0x01;
  /** {@code FALLOC_FL_PUNCH_HOLE}. */
  public static final int FALLOC_FL_PUNCH_HOLE = 0x02;

  // <asm-generic/errno-base.h>, <asm-generic/errno.h>
  /** {@code EPERM}. */
  public static final int EPERM = 1;
  /** {@code ENOENT}. */
  public static final int ENOENT = 2;
  /** {@code EINTR}: a signal interrupted the call. */
  public static final int EINTR = 4;
  /** {@code EIO}. */
  public static final int EIO = 5;
  /** {@code ENXIO}: no such device or address. */
  public static final int ENXIO = 6;
  /** {@code EBADF}. */
  public static final int EBADF = 9;
  /** {@code EAGAIN} (= {@code EWOULDBLOCK}). */
  public static final int EAGAIN = 11;
  /** {@code ENOMEM}. */
  public static final int ENOMEM = 12;
  /** {@code EACCES}. */
  public static final int EACCES = 13;
  /** {@code EFAULT}. */
  public static final int EFAULT = 14;
  /** {@code EBUSY}. */
  public static final int EBUSY = 16;
  /** {@code ENODEV}. */
  public static final int ENODEV = 19;
  /** {@code EINVAL}. */
  public static final int EINVAL = 22;
  /** {@code ENOTTY}. */
  public static final int ENOTTY = 25;
  /** {@code EEXIST}: for {@code finit_module}, the module is already loaded. */
  public static final int EEXIST = 17;
  /** {@code EFBIG}. */
  public static final int EFBIG = 27;
  /** {@code ENOSPC}. */
  public static final int ENOSPC = 28;
  /** {@code EBADFD}. */
  public static final int EBADFD = 77;
  /** {@code ENOSYS}: the system call does not exist here (a kernel without module support). */
  public static final int ENOSYS = 38;
  /** {@code EMSGSIZE}. */
  public static final int EMSGSIZE = 90;
  /** {@code ENOPROTOOPT}: the socket option is not known to this kernel. */
  public static final int ENOPROTOOPT = 92;
  /** {@code EOPNOTSUPP}. */
  public static final int EOPNOTSUPP = 95;
  /** {@code EADDRNOTAVAIL}: for {@code SIOCGIFADDR}, the interface has no IPv4 address. */
  public static final int EADDRNOTAVAIL = 99;
  /** {@code ENETDOWN}: the interface is down. */
  public static final int ENETDOWN = 100;
  /** {@code ENOBUFS}. */
  public static final int ENOBUFS = 105;
  /** {@code ENOTCONN}. */
  public static final int ENOTCONN = 107;

  // <poll.h>
  /** {@code POLLIN}: there is data to read. */
  public static final short POLLIN = 0x001;
  /** {@code POLLERR}: error condition (output only). */
  public static final short POLLERR = 0x008;
  /** {@code POLLHUP}: hung up (output only). */
  public static final short POLLHUP = 0x010;
  /** {@code POLLNVAL}: the descriptor is not open (output only). */
  public static final short POLLNVAL = 0x020;

  /** {@code struct pollfd { int fd; short events; short revents; }}: 8 bytes. */
  public static final StructLayout POLLFD =
      MemoryLayout.structLayout(
          JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
  /** Offset of {@code fd} in {@link #POLLFD}. */
  public static final long POLLFD_FD_OFFSET = 0;
  /** Offset of {@code events} in {@link #POLLFD}. */
  public static final long POLLFD_EVENTS_OFFSET = 4;
  /** Offset of {@code revents} in {@link #POLLFD}. */
  public static final long POLLFD_REVENTS_OFFSET = 6;

  /** {@code struct timespec { time_t tv_sec; long tv_nsec; }} on 64-bit Linux: 16 bytes. */
  public static final StructLayout TIMESPEC =
      MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));
  /** Offset of {@code tv_sec} in {@link #TIMESPEC}. */
  public static final long TIMESPEC_SEC_OFFSET = 0;
  /** Offset of {@code tv_nsec} in {@link #TIMESPEC}. */
  public static final long TIMESPEC_NSEC_OFFSET = 8;

  private Libc() {}

  // ---- binding: one holder class per function, so each is bound on its first call ----

  /** The linker, loaded with the first bound function, not with this class. */
  private static final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  }

  /**
   * A downcall to the C library's {@code name} that captures {@code errno} (its first parameter
   * is then an {@link Errno}'s segment), plus {@code options} ({@code firstVariadicArg}).
   */
  private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
    try {
      Linker.Option[] all = new Linker.Option[options.length + 1];
      all[0] = Native.ERRNO;
      System.arraycopy(options, 0, all, 1, options.length);
      MemorySegment symbol =
          Native.LINKER.defaultLookup().find(name)
              .orElseThrow(() -> new UnsupportedOperationException("no C library function " + name));
      return Native.LINKER.downcallHandle(symbol, descriptor, all);
    } catch (RuntimeException | LinkageError e) {
      throw new UnsupportedOperationException(
          "cannot bind " + name + " through Java FFM (is native access enabled? run with"
              + " --enable-native-access=ALL-UNNAMED or the manifest entry"
              + " Enable-Native-Access: ALL-UNNAMED): " + e,
          e);
    }
  }

  /** Unwraps what a downcall can throw: a holder that could not bind, or an {@link Error}. */
  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof ExceptionInInitializerError e && e.getCause() instanceof RuntimeException r) {
      return r; // a holder could not bind its function: the reason, not the class-loading wrapper
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  private static final class Open {
    // int open(const char *path, int flags, ...): the mode is variadic.
    static final MethodHandle H =
        bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
  }

  private static final class Close {
    static final MethodHandle H = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  }

  private static final class Read {
    static final MethodHandle H = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  }

  private static final class Write {
    static final MethodHandle H = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  }

  private static final class Ioctl {
    // int ioctl(int fd, unsigned long request, ...): variadic from the third argument on.
    static final MethodHandle H =
        bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
  }

  private static final class Socket {
    static final MethodHandle H = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class SocketPair {
    static final MethodHandle H =
        bind("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  }

  private static final class Bind {
    static final MethodHandle H = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class SetSockOpt {
    static final MethodHandle H =
        bind("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class GetSockOpt {
    static final MethodHandle H =
        bind("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  }

  private static final class SendTo {
    static final MethodHandle H =
        bind("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class IfNameToIndex {
    static final MethodHandle H = bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static final class Mount {
    static final MethodHandle H =
        bind("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  }

  private static final class Reboot {
    static final MethodHandle H = bind("reboot", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  }

  private static final class Sync {
    static final MethodHandle H = bind("sync", FunctionDescriptor.ofVoid());
  }

  private static final class Syscall3 {
    // long syscall(long number, ...): variadic from the second argument on.
    static final MethodHandle H =
        bind("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(1));
  }

  private static final class Mmap {
    static final MethodHandle H =
        bind("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
  }

  private static final class Munmap {
    static final MethodHandle H = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  }

  private static final class Fallocate {
    static final MethodHandle H =
        bind("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
  }

  private static final class Setns {
    static final MethodHandle H = bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class Geteuid {
    static final MethodHandle H = bind("geteuid", FunctionDescriptor.of(JAVA_INT));
  }

  private static final class Ppoll {
    static final MethodHandle H =
        bind("ppoll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
  }

  private static final class Prctl {
    // int prctl(int option, ...): variadic from the second argument on (unsigned longs).
    static final MethodHandle H =
        bind("prctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), Linker.Option.firstVariadicArg(1));
  }

  private static final class EventFdCall {
    static final MethodHandle H = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class Pipe2 {
    static final MethodHandle H = bind("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class Strerror {
    static final MethodHandle H = bind("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
  }

  // ---- the calls: raw results, errno in the caller's Errno ----

  /** {@code open(path, flags, mode)}: the descriptor, or -1. {@code path} is a C string. */
  public static int open(Errno errno, MemorySegment path, int flags, int mode) {
    try {
      return (int) Open.H.invokeExact(errno.segment, path, flags, mode);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Opens {@code path} (an existing file or device: no mode) and returns the descriptor.
   *
   * @throws ErrnoException naming {@code open(path)} when it fails
   */
  public static int open(String path, int flags) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      int fd = open(errno, arena.allocateFrom(path), flags, 0);
      if (fd < 0) {
        throw errno.exception("open(" + path + ")");
      }
      return fd;
    }
  }

  /** {@code close(fd)}: 0, or -1. */
  public static int close(Errno errno, int fd) {
    try {
      return (int) Close.H.invokeExact(errno.segment, fd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code close(fd)}, whatever it reports: on Linux the descriptor is released even when {@code
   * close} fails ({@code EINTR}, {@code EIO}), so there is nothing to retry and nothing to undo.
   */
  public static void closeQuietly(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      close(new Errno(arena), fd);
    }
  }

  /** {@code read(fd, buf, count)}: bytes read, or -1. */
  public static long read(Errno errno, int fd, MemorySegment buf, long count) {
    try {
      return (long) Read.H.invokeExact(errno.segment, fd, buf, count);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code write(fd, buf, count)}: bytes written, or -1. */
  public static long write(Errno errno, int fd, MemorySegment buf, long count) {
    try {
      return (long) Write.H.invokeExact(errno.segment, fd, buf, count);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code ioctl(fd, request, arg)} with a pointer (or {@code NULL}) argument: the result, or -1. */
  public static int ioctl(Errno errno, int fd, long request, MemorySegment arg) {
    try {
      return (int) Ioctl.H.invokeExact(errno.segment, fd, request, arg);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code socket(domain, type, protocol)}: the descriptor, or -1. */
  public static int socket(Errno errno, int domain, int type, int protocol) {
    try {
      return (int) Socket.H.invokeExact(errno.segment, domain, type, protocol);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code socketpair(domain, type, protocol, sv)}: 0, or -1; {@code sv} holds two ints. */
  public static int socketpair(Errno errno, int domain, int type, int protocol, MemorySegment sv) {
    try {
      return (int) SocketPair.H.invokeExact(errno.segment, domain, type, protocol, sv);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code bind(fd, addr, addrlen)}: 0, or -1. */
  public static int bind(Errno errno, int fd, MemorySegment addr, int addrLength) {
    try {
      return (int) Bind.H.invokeExact(errno.segment, fd, addr, addrLength);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code setsockopt(fd, level, name, value, length)}: 0, or -1. */
  public static int setsockopt(Errno errno, int fd, int level, int name, MemorySegment value, int length) {
    try {
      return (int) SetSockOpt.H.invokeExact(errno.segment, fd, level, name, value, length);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code setsockopt(fd, level, name, &value, sizeof(int))} for the many options that take one
   * {@code int}: 0, or -1.
   */
  public static int setsockopt(Errno errno, int fd, int level, int name, int value) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_INT);
      v.set(JAVA_INT, 0, value);
      return setsockopt(errno, fd, level, name, v, (int) JAVA_INT.byteSize());
    }
  }

  /**
   * {@code getsockopt(fd, level, name, value, length)}: 0, or -1. {@code length} is a {@code
   * socklen_t} (an {@code int}) holding the size of {@code value}; the kernel writes back how much
   * it filled.
   */
  public static int getsockopt(Errno errno, int fd, int level, int name, MemorySegment value, MemorySegment length) {
    try {
      return (int) GetSockOpt.H.invokeExact(errno.segment, fd, level, name, value, length);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code sendto(fd, buf, len, flags, dest, destlen)}: bytes sent, or -1. {@code buf} and {@code
   * dest} may be {@link MemorySegment#NULL} (an {@code AF_PACKET} socket kicks its transmit ring
   * with an empty send).
   */
  public static long sendto(Errno errno, int fd, MemorySegment buf, long length, int flags, MemorySegment dest, int destLength) {
    try {
      return (long) SendTo.H.invokeExact(errno.segment, fd, buf, length, flags, dest, destLength);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code if_nametoindex(name)}: the interface's index in the calling thread's network namespace,
   * or 0 when there is none ({@code errno} {@code ENODEV}). {@code name} is a C string.
   */
  public static int ifNameToIndex(Errno errno, MemorySegment name) {
    try {
      return (int) IfNameToIndex.H.invokeExact(errno.segment, name);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code mount(source, target, fstype, flags, data)}: 0, or -1. The strings are C strings;
   * {@code data} may be {@link MemorySegment#NULL}.
   */
  public static int mount(Errno errno, MemorySegment source, MemorySegment target, MemorySegment fsType, long flags, MemorySegment data) {
    try {
      return (int) Mount.H.invokeExact(errno.segment, source, target, fsType, flags, data);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code finit_module(fd, params, flags)} ({@code init_module(2)}; glibc has no wrapper, so
   * through {@code syscall(2)} with the number of this machine's architecture): loads the kernel
   * module in the open file {@code fd}; 0, or -1 ({@code EEXIST}: already loaded).
   *
   * @throws UnsupportedOperationException on an architecture other than x86-64 and aarch64
   */
  public static int finitModule(Errno errno, int fd, MemorySegment params, int flags) {
    long number = switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> 313;
      case "aarch64" -> 273;
      default -> throw new UnsupportedOperationException("finit_module: unknown system call number on " + System.getProperty("os.arch"));
    };
    try {
      return (int) (long) Syscall3.H.invokeExact(errno.segment, number, fd, params, flags);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code reboot(cmd)}: with {@link #RB_POWER_OFF} the machine powers off and the call does not
   * return; -1 on failure ({@code EPERM} without {@code CAP_SYS_BOOT}). Call {@link #sync} first.
   */
  public static int reboot(Errno errno, int cmd) {
    try {
      return (int) Reboot.H.invokeExact(errno.segment, cmd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code sync()}: writes every file system's dirty data out. Cannot fail. */
  public static void sync() {
    try (Arena arena = Arena.ofConfined()) {
      Sync.H.invokeExact(new Errno(arena).segment);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code mmap(addr, length, prot, flags, fd, offset)}: the mapping as a segment of {@code
   * length} bytes, or {@code null} on failure ({@code MAP_FAILED}).
   */
  public static MemorySegment mmap(Errno errno, MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
    MemorySegment p;
    try {
      p = (MemorySegment) Mmap.H.invokeExact(errno.segment, addr, length, prot, flags, fd, offset);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    return p.address() == -1L ? null : p.reinterpret(length);
  }

  /** {@code munmap(addr, length)} of a whole mapping: 0, or -1. */
  public static int munmap(Errno errno, MemorySegment mapping) {
    try {
      return (int) Munmap.H.invokeExact(errno.segment, mapping, mapping.byteSize());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code fallocate(fd, mode, offset, length)}: 0, or -1. */
  public static int fallocate(Errno errno, int fd, int mode, long offset, long length) {
    try {
      return (int) Fallocate.H.invokeExact(errno.segment, fd, mode, offset, length);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code setns(fd, nstype)}: moves the calling thread into a namespace; 0, or -1. */
  public static int setns(Errno errno, int fd, int nstype) {
    try {
      return (int) Setns.H.invokeExact(errno.segment, fd, nstype);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code geteuid()}: cannot fail. */
  public static int geteuid() {
    try (Arena arena = Arena.ofConfined()) {
      return (int) Geteuid.H.invokeExact(new Errno(arena).segment);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code ppoll(fds, nfds, timeout, sigmask)}: the number of ready descriptors, 0 on time-out, or
   * -1. {@code timeout} is a {@link #TIMESPEC} ({@link MemorySegment#NULL}: wait for ever); {@code
   * sigmask} {@link MemorySegment#NULL} keeps the thread's mask.
   */
  public static int ppoll(Errno errno, MemorySegment fds, long nfds, MemorySegment timeout, MemorySegment sigmask) {
    try {
      return (int) Ppoll.H.invokeExact(errno.segment, fds, nfds, timeout, sigmask);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code prctl(option, arg2)} for options that take one argument: the result, or -1. */
  public static int prctl(Errno errno, int option, long arg2) {
    try {
      return (int) Prctl.H.invokeExact(errno.segment, option, arg2);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code eventfd(initval, flags)}: the descriptor, or -1. */
  public static int eventfd(Errno errno, int initialValue, int flags) {
    try {
      return (int) EventFdCall.H.invokeExact(errno.segment, initialValue, flags);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code pipe2(fds, flags)}: 0, or -1; {@code fds} holds two ints, the read end first. */
  public static int pipe2(Errno errno, MemorySegment fds, int flags) {
    try {
      return (int) Pipe2.H.invokeExact(errno.segment, fds, flags);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code strerror(errnum)}: the C library's text, or {@code "errno N"} when it cannot be had. */
  public static String strerror(int errnum) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment s = (MemorySegment) Strerror.H.invokeExact(new Errno(arena).segment, errnum);
      return s.reinterpret(256).getString(0);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return "errno " + errnum;
    }
  }

  /** The symbolic name of an {@code errno} value, for messages: {@code "EACCES"}, or {@code "errno N"}. */
  public static String errnoName(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case EINTR -> "EINTR";
      case EIO -> "EIO";
      case ENXIO -> "ENXIO";
      case EBADF -> "EBADF";
      case EAGAIN -> "EAGAIN";
      case ENOMEM -> "ENOMEM";
      case EACCES -> "EACCES";
      case EFAULT -> "EFAULT";
      case EBUSY -> "EBUSY";
      case ENODEV -> "ENODEV";
      case EINVAL -> "EINVAL";
      case ENOTTY -> "ENOTTY";
      case EEXIST -> "EEXIST";
      case EFBIG -> "EFBIG";
      case ENOSPC -> "ENOSPC";
      case EBADFD -> "EBADFD";
      case ENOSYS -> "ENOSYS";
      case EMSGSIZE -> "EMSGSIZE";
      case ENOPROTOOPT -> "ENOPROTOOPT";
      case EOPNOTSUPP -> "EOPNOTSUPP";
      case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
      case ENETDOWN -> "ENETDOWN";
      case ENOBUFS -> "ENOBUFS";
      case ENOTCONN -> "ENOTCONN";
      default -> "errno " + errno;
    };
  }
}
