package io.morgana.xen.linux;

import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import io.morgana.xen.evtchn.EventChannelException;
import io.morgana.xen.evtchn.EventChannels;
import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.ErrnoException;
import io.morgana.runtime.nativeio.Libc;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * {@link EventChannels} over Linux {@code /dev/xen/evtchn} ({@code xen/evtchn.h}, {@code
 * drivers/xen/evtchn.c}): the bind ioctls return the local port; a fired port is queued on the fd
 * and masked by the kernel; {@code read()} returns pending ports as native u32s; {@code write()}
 * of ports unmasks them. The fd is the loop's readiness descriptor: on each poll the pending ports
 * are read, their handlers run, and the ports are written back (unmasked) unless masked here. A
 * queue overflow ({@code EFBIG}) is recovered with {@code IOCTL_EVTCHN_RESET} and a spurious
 * delivery to every port.
 */
public final class LinuxEventChannels implements EventChannels, Pollable, AutoCloseable {

  /** The device. */
  public static final String DEVICE = "/dev/xen/evtchn";

  private final int fd;
  private final Arena arena = Arena.ofAuto();
  private final MemorySegment readBuf = arena.allocate(4096, 4);
  private final MemorySegment writeBuf = arena.allocate(4, 4);
  private final Errno errno = new Errno(arena); // loop thread: poll and unmask
  private final Map<Integer, IntConsumer> handlers = new ConcurrentHashMap<>();
  private final Set<Integer> bound = ConcurrentHashMap.newKeySet();
  private final Set<Integer> masked = ConcurrentHashMap.newKeySet();
  private final Set<Integer> heldPending = ConcurrentHashMap.newKeySet();
  private final EventLoop loop;
  private final EventLoop.Cancellable registration;
  private volatile boolean closed;

  /**
   * Opens {@link #DEVICE} and registers on {@code loop}.
   *
   * @throws ErrnoException when the device cannot be opened
   */
  public static LinuxEventChannels open(EventLoop loop) throws ErrnoException {
    return new LinuxEventChannels(Libc.open(DEVICE, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC), loop);
  }

  /** Over an open {@code /dev/xen/evtchn} descriptor (non-blocking). */
  LinuxEventChannels(int fd, EventLoop loop) {
    this.fd = fd;
    this.loop = loop;
    this.registration = loop.register(this);
  }

  @Override
  public int allocUnbound(int remoteDomid) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment arg = a.allocate(XenIoctls.EVTCHN_BIND_UNBOUND_PORT_LAYOUT);
      arg.set(ValueLayout.JAVA_INT, 0, remoteDomid);
      int port = ioctl(XenIoctls.IOCTL_EVTCHN_BIND_UNBOUND_PORT, arg, "IOCTL_EVTCHN_BIND_UNBOUND_PORT");
      bound.add(port);
      return port;
    }
  }

  @Override
  public int bindInterdomain(int remoteDomid, int remotePort) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment arg = a.allocate(XenIoctls.EVTCHN_BIND_INTERDOMAIN_LAYOUT);
      arg.set(ValueLayout.JAVA_INT, XenIoctls.offsetOf(XenIoctls.EVTCHN_BIND_INTERDOMAIN_LAYOUT, "remote_domain"), remoteDomid);
      arg.set(ValueLayout.JAVA_INT, XenIoctls.offsetOf(XenIoctls.EVTCHN_BIND_INTERDOMAIN_LAYOUT, "remote_port"), remotePort);
      int port = ioctl(XenIoctls.IOCTL_EVTCHN_BIND_INTERDOMAIN, arg, "IOCTL_EVTCHN_BIND_INTERDOMAIN");
      bound.add(port);
      return port;
    }
  }

  /** Records a port bound on this fd by other means (a descriptor inherited with bound ports). */
  void adopt(int port) {
    bound.add(port);
  }

  @Override
  public void notify(int port) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment arg = a.allocate(XenIoctls.EVTCHN_NOTIFY_LAYOUT);
      arg.set(ValueLayout.JAVA_INT, 0, port);
      ioctl(XenIoctls.IOCTL_EVTCHN_NOTIFY, arg, "IOCTL_EVTCHN_NOTIFY");
    }
  }

  @Override
  public void mask(int port) {
    masked.add(port);
  }

  @Override
  public void unmask(int port) {
    masked.remove(port);
    if (heldPending.remove(port)) {
      loop.execute(() -> deliver(port));
    }
  }

  @Override
  public void setHandler(int port, IntConsumer handler) {
    if (handler == null) {
      handlers.remove(port);
    } else {
      handlers.put(port, handler);
      if (heldPending.remove(port)) {
        loop.execute(() -> deliver(port));
      }
    }
  }

  @Override
  public void close(int port) {
    handlers.remove(port);
    masked.remove(port);
    heldPending.remove(port);
    if (bound.remove(port)) {
      try (Arena a = Arena.ofConfined()) {
        MemorySegment arg = a.allocate(XenIoctls.EVTCHN_UNBIND_LAYOUT);
        arg.set(ValueLayout.JAVA_INT, 0, port);
        ioctl(XenIoctls.IOCTL_EVTCHN_UNBIND, arg, "IOCTL_EVTCHN_UNBIND");
      }
    }
  }

  @Override
  public boolean poll(long nowNanos) {
    if (closed) {
      return false;
    }
    long n = Libc.read(errno, fd, readBuf, readBuf.byteSize());
    int e = n < 0 ? errno.value() : 0;
    if (n == 0 || e == Libc.EAGAIN || e == Libc.EINTR) {
      return false;
    }
    if (e == Libc.EFBIG) {
      // The kernel's pending queue overflowed: events were lost. Reset, then tell everyone.
      ioctl(XenIoctls.IOCTL_EVTCHN_RESET, MemorySegment.NULL, "IOCTL_EVTCHN_RESET");
      for (Integer port : bound) {
        deliver(port);
      }
      return true;
    }
    if (n < 0) {
      throw new UncheckedIOException(errno.exception("read(" + DEVICE + ")"));
    }
    for (long off = 0; off + 4 <= n; off += 4) {
      deliver(readBuf.get(ValueLayout.JAVA_INT, off));
    }
    return true;
  }

  private void deliver(int port) {
    IntConsumer h = handlers.get(port);
    if (h == null || masked.contains(port)) {
      heldPending.add(port);
      return;
    }
    try {
      h.accept(port);
    } finally {
      unmaskInKernel(port);
    }
  }

  private void unmaskInKernel(int port) {
    if (closed || !bound.contains(port)) {
      return;
    }
    writeBuf.set(ValueLayout.JAVA_INT, 0, port);
    if (Libc.write(errno, fd, writeBuf, 4) < 0) {
      throw new UncheckedIOException(errno.exception("write(" + DEVICE + ") to unmask port " + port));
    }
  }

  @Override
  public long nextDeadlineNanos() {
    return NO_DEADLINE;
  }

  @Override
  public int readinessFd() {
    return fd;
  }

  /** {@code ioctl} on the device; a refusal is an {@link EventChannelException} with the errno. */
  private int ioctl(long request, MemorySegment arg, String what) {
    try (Arena a = Arena.ofConfined()) {
      Errno e = new Errno(a);
      int r = Libc.ioctl(e, fd, request, arg);
      if (r < 0) {
        throw new EventChannelException(e.exception(what).getMessage());
      }
      return r;
    }
  }

  /** Unbinds every port (by closing the fd) and leaves the loop. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    registration.cancel();
    Libc.closeQuietly(fd);
    bound.clear();
    handlers.clear();
  }
}
