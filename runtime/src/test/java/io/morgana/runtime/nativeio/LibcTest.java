package io.morgana.runtime.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The one C library binding: raw results, errno captured, one exception type with the reason. */
class LibcTest {

  @Test
  void failedOpenIsOneErrnoExceptionNamingTheCallTheErrnoAndItsText() {
    ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.open("/nonexistent/morgana", Libc.O_RDONLY));
    assertEquals(Libc.ENOENT, e.errno());
    assertEquals("ENOENT", e.errnoName());
    assertEquals("open(/nonexistent/morgana)", e.call());
    assertEquals("open(/nonexistent/morgana) failed: No such file or directory (ENOENT)", e.getMessage());
  }

  @Test
  void rawCallsReturnMinusOneAndLeaveErrnoInTheCallersBuffer() {
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      assertEquals(-1L, Libc.read(errno, -1, arena.allocate(8), 8));
      assertEquals(Libc.EBADF, errno.value());
      assertEquals(-1, Libc.ioctl(errno, -1, 0x8913L, MemorySegment.NULL)); // variadic downcall
      assertEquals(Libc.EBADF, errno.value());
    }
  }

  @Test
  void pipeWriteReadAndPpollWithANanosecondTimeout() {
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
      assertEquals(0, Libc.pipe2(errno, fds, Libc.O_NONBLOCK | Libc.O_CLOEXEC));
      int r = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
      int w = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
      try {
        MemorySegment pollfd = arena.allocate(Libc.POLLFD);
        pollfd.set(ValueLayout.JAVA_INT, Libc.POLLFD_FD_OFFSET, r);
        pollfd.set(ValueLayout.JAVA_SHORT, Libc.POLLFD_EVENTS_OFFSET, Libc.POLLIN);
        MemorySegment timeout = arena.allocate(Libc.TIMESPEC);
        timeout.set(ValueLayout.JAVA_LONG, Libc.TIMESPEC_NSEC_OFFSET, 200_000L);
        assertEquals(0, Libc.ppoll(errno, pollfd, 1, timeout, MemorySegment.NULL), "nothing to read: time-out");
        MemorySegment data = arena.allocateFrom("hi");
        assertEquals(3L, Libc.write(errno, w, data, 3));
        assertEquals(1, Libc.ppoll(errno, pollfd, 1, timeout, MemorySegment.NULL));
        assertEquals(Libc.POLLIN, pollfd.get(ValueLayout.JAVA_SHORT, Libc.POLLFD_REVENTS_OFFSET));
        MemorySegment buf = arena.allocate(8);
        assertEquals(3L, Libc.read(errno, r, buf, 8));
        assertEquals("hi", buf.getString(0));
      } finally {
        Libc.closeQuietly(r);
        Libc.closeQuietly(w);
      }
    }
  }

  @Test
  void socketOptionsRoundTripAndSendtoOnASocketPair() {
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      MemorySegment sv = arena.allocate(ValueLayout.JAVA_INT, 2);
      assertEquals(0, Libc.socketpair(errno, Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, sv));
      int a = sv.getAtIndex(ValueLayout.JAVA_INT, 0);
      int b = sv.getAtIndex(ValueLayout.JAVA_INT, 1);
      try {
        int soSndbuf = 7; // <asm-generic/socket.h>
        assertEquals(0, Libc.setsockopt(errno, a, Libc.SOL_SOCKET, soSndbuf, 65_536));
        MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
        length.set(ValueLayout.JAVA_INT, 0, 4);
        assertEquals(0, Libc.getsockopt(errno, a, Libc.SOL_SOCKET, soSndbuf, value, length));
        assertEquals(2 * 65_536, value.get(ValueLayout.JAVA_INT, 0), "socket(7): the kernel doubles SO_SNDBUF");
        assertEquals(-1, Libc.setsockopt(errno, a, Libc.SOL_PACKET, 10, 2), "a packet option on a unix socket");
        assertEquals(Libc.EOPNOTSUPP, errno.value(), Libc.errnoName(errno.value()));
        MemorySegment data = arena.allocateFrom("frame");
        assertEquals(6L, Libc.sendto(errno, a, data, 6, Libc.MSG_DONTWAIT, MemorySegment.NULL, 0));
        MemorySegment buf = arena.allocate(16);
        assertEquals(6L, Libc.read(errno, b, buf, 16));
        assertEquals("frame", buf.getString(0));
        assertEquals(-1, Libc.bind(errno, -1, arena.allocate(16), 16));
        assertEquals(Libc.EBADF, errno.value());
      } finally {
        Libc.closeQuietly(a);
        Libc.closeQuietly(b);
      }
    }
  }

  @Test
  void ifNameToIndexFindsLoopbackAndReportsENODEVForAMissingInterface() {
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      assertTrue(Libc.ifNameToIndex(errno, arena.allocateFrom("lo")) > 0, "every namespace has lo");
      assertEquals(0, Libc.ifNameToIndex(errno, arena.allocateFrom("mg-no-such0")));
      assertEquals(Libc.ENODEV, errno.value(), Libc.errnoName(errno.value()));
    }
  }

  @Test
  void mountAndFinitModuleReportTheirErrorsWithoutTouchingTheMachine() {
    try (Arena arena = Arena.ofConfined()) {
      Errno errno = new Errno(arena);
      assertEquals(-1, Libc.mount(errno, arena.allocateFrom("none"), arena.allocateFrom("/nonexistent/morgana"),
          arena.allocateFrom("tmpfs"), 0, MemorySegment.NULL));
      assertTrue(errno.value() == Libc.ENOENT || errno.value() == Libc.EPERM, Libc.errnoName(errno.value()));
      assertEquals(-1, Libc.finitModule(errno, -1, arena.allocateFrom(""), 0));
      // EBADF; EPERM without CAP_SYS_MODULE; ENOSYS on a kernel built without module support
      assertTrue(errno.value() == Libc.EBADF || errno.value() == Libc.EPERM || errno.value() == Libc.ENOSYS,
          Libc.errnoName(errno.value()));
      Libc.sync();
    }
  }

  @Test
  void errnoNamesAndTexts() {
    assertEquals("EACCES", Libc.errnoName(Libc.EACCES));
    assertEquals("errno 4095", Libc.errnoName(4095));
    assertEquals("Permission denied", Libc.strerror(Libc.EACCES));
    assertNotNull(Libc.strerror(4095));
    assertTrue(Libc.geteuid() >= 0);
  }
}
