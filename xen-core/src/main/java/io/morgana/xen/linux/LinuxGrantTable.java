package io.morgana.xen.linux;

import io.morgana.xen.grant.GrantTable;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.grant.SharedPages;
import io.morgana.xen.platform.Pages;
import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.ErrnoException;
import io.morgana.runtime.nativeio.Libc;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A frontend's {@link GrantTable} over Linux {@code /dev/xen/gntalloc} ({@code xen/gntalloc.h},
 * {@code drivers/xen/gntalloc.c}): {@link #share} asks the kernel for zero-filled pages granted to
 * a domain ({@code IOCTL_GNTALLOC_ALLOC_GREF}: {@code domid}, {@code flags}, {@code count} in;
 * {@code index} and one grant ref per page out), then maps them with {@code mmap(MAP_SHARED)} at
 * {@code index}; closing unmaps and {@code IOCTL_GNTALLOC_DEALLOC_GREF}s (the kernel ends the
 * grants once the peer unmapped). A call the kernel refuses is an {@link UncheckedIOException}
 * around the {@link ErrnoException}. Granting arbitrary memory, mapping or copying a peer's grants
 * (a backend's job, {@code /dev/xen/gntdev}) are not available.
 */
public final class LinuxGrantTable implements GrantTable, AutoCloseable {

  /** The device. */
  public static final String DEVICE = "/dev/xen/gntalloc";

  /**
   * What this class sends to the kernel, so tests can check argument layouts and mmap offsets
   * against a fake: {@code ioctl}, {@code mmap(MAP_SHARED)}, {@code munmap} and {@code close} on
   * the gntalloc descriptor.
   */
  interface Device {
    /** {@code ioctl(fd, request, arg)}; throws what the kernel refused. */
    void ioctl(long request, MemorySegment arg, String what);

    /** {@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED, fd, offset)}. */
    MemorySegment mmap(long length, long offset);

    /** {@code munmap}. */
    void munmap(MemorySegment mapped);

    /** {@code close(fd)}. */
    void close();
  }

  /** {@link Device} over a real file descriptor, through the one libc binding. */
  private record FdDevice(int fd) implements Device {
    @Override
    public void ioctl(long request, MemorySegment arg, String what) {
      try (Arena a = Arena.ofConfined()) {
        Errno errno = new Errno(a);
        if (Libc.ioctl(errno, fd, request, arg) < 0) {
          throw new UncheckedIOException(errno.exception(what));
        }
      }
    }

    @Override
    public MemorySegment mmap(long length, long offset) {
      try (Arena a = Arena.ofConfined()) {
        Errno errno = new Errno(a);
        MemorySegment mapped = Libc.mmap(errno, MemorySegment.NULL, length,
            Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, offset);
        if (mapped == null) {
          throw new UncheckedIOException(errno.exception("mmap(" + DEVICE + ")"));
        }
        return mapped;
      }
    }

    @Override
    public void munmap(MemorySegment mapped) {
      try (Arena a = Arena.ofConfined()) {
        Errno errno = new Errno(a);
        if (Libc.munmap(errno, mapped) < 0) {
          throw new UncheckedIOException(errno.exception("munmap"));
        }
      }
    }

    @Override
    public void close() {
      Libc.closeQuietly(fd);
    }
  }

  private final Device device;
  private volatile boolean closed;

  /**
   * Opens {@link #DEVICE}.
   *
   * @throws ErrnoException when it cannot be opened
   */
  public static LinuxGrantTable open() throws ErrnoException {
    return new LinuxGrantTable(new FdDevice(Libc.open(DEVICE, Libc.O_RDWR | Libc.O_CLOEXEC)));
  }

  /** Over {@code device}: the real descriptor, or a test's fake. */
  LinuxGrantTable(Device device) {
    this.device = device;
  }

  @Override
  public SharedPages share(int domid, int count, boolean readOnly) {
    if (count <= 0) {
      throw new IllegalArgumentException("count " + count);
    }
    long index;
    int[] refs = new int[count];
    try (Arena a = Arena.ofConfined()) {
      long size = Math.max(XenIoctls.GNTALLOC_ALLOC_GREF_LAYOUT.byteSize(), 16L + 4L * count);
      MemorySegment arg = a.allocate(size, 8);
      var l = XenIoctls.GNTALLOC_ALLOC_GREF_LAYOUT;
      arg.set(ValueLayout.JAVA_SHORT, XenIoctls.offsetOf(l, "domid"), (short) domid);
      arg.set(ValueLayout.JAVA_SHORT, XenIoctls.offsetOf(l, "flags"),
          (short) (readOnly ? 0 : XenIoctls.GNTALLOC_FLAG_WRITABLE));
      arg.set(ValueLayout.JAVA_INT, XenIoctls.offsetOf(l, "count"), count);
      ioctl(XenIoctls.IOCTL_GNTALLOC_ALLOC_GREF, arg, "IOCTL_GNTALLOC_ALLOC_GREF");
      index = arg.get(ValueLayout.JAVA_LONG, XenIoctls.offsetOf(l, "index"));
      long refsAt = XenIoctls.offsetOf(l, "gref_ids");
      for (int i = 0; i < count; i++) {
        refs[i] = arg.get(ValueLayout.JAVA_INT, refsAt + 4L * i);
      }
    }
    MemorySegment mapped;
    try {
      mapped = device.mmap((long) count * Pages.PAGE_SIZE, index);
    } catch (UncheckedIOException e) {
      dealloc(index, count);
      throw e;
    }
    long idx = index;
    LinuxPages pages = new LinuxPages(mapped, count, () -> {
      device.munmap(mapped);
      dealloc(idx, count);
    });
    return new Shared(pages, refs, domid, index);
  }

  /**
   * {@code IOCTL_GNTALLOC_SET_UNMAP_NOTIFY}: when this process's last mapping of the page holding
   * byte {@code offset} of {@code shared} goes away (even by a crash), clear that byte and/or
   * notify {@code port} ({@link XenIoctls#UNMAP_NOTIFY_CLEAR_BYTE}, {@link
   * XenIoctls#UNMAP_NOTIFY_SEND_EVENT}).
   */
  public void setUnmapNotify(SharedPages shared, long offset, int action, int port) {
    if (!(shared instanceof Shared s)) {
      throw new IllegalArgumentException("not shared through this gntalloc device");
    }
    try (Arena a = Arena.ofConfined()) {
      var l = XenIoctls.GNTALLOC_UNMAP_NOTIFY_LAYOUT;
      MemorySegment arg = a.allocate(l);
      arg.set(ValueLayout.JAVA_LONG, XenIoctls.offsetOf(l, "index"), s.index + offset);
      arg.set(ValueLayout.JAVA_INT, XenIoctls.offsetOf(l, "action"), action);
      arg.set(ValueLayout.JAVA_INT, XenIoctls.offsetOf(l, "event_channel_port"), port);
      ioctl(XenIoctls.IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, arg, "IOCTL_GNTALLOC_SET_UNMAP_NOTIFY");
    }
  }

  private void dealloc(long index, int count) {
    if (closed) {
      return;
    }
    try (Arena a = Arena.ofConfined()) {
      var l = XenIoctls.GNTALLOC_DEALLOC_GREF_LAYOUT;
      MemorySegment arg = a.allocate(l);
      arg.set(ValueLayout.JAVA_LONG, XenIoctls.offsetOf(l, "index"), index);
      arg.set(ValueLayout.JAVA_INT, XenIoctls.offsetOf(l, "count"), count);
      ioctl(XenIoctls.IOCTL_GNTALLOC_DEALLOC_GREF, arg, "IOCTL_GNTALLOC_DEALLOC_GREF");
    }
  }

  private void ioctl(long request, MemorySegment arg, String what) {
    device.ioctl(request, arg, what);
  }

  @Override
  public int grantAccess(int domid, Pages pages, int index, boolean readOnly) {
    throw new UnsupportedOperationException("gntalloc grants only pages it allocates: use share(domid, count, readOnly)");
  }

  @Override
  public boolean endAccess(int ref) {
    throw new UnsupportedOperationException("gntalloc ends its grants when the SharedPages are closed");
  }

  @Override
  public boolean inUse(int ref) {
    throw new UnsupportedOperationException("gntalloc does not tell whether the peer maps a grant");
  }

  @Override
  public MappedGrants map(int domid, int[] refs, boolean readOnly) {
    throw new UnsupportedOperationException(
        "mapping a peer's grants needs /dev/xen/gntdev (a backend); the Linux platform is frontend-only");
  }

  @Override
  public void copyTo(int domid, int ref, int offset, MemorySegment source) {
    throw new UnsupportedOperationException("grant copy needs /dev/xen/gntdev; the Linux platform is frontend-only");
  }

  @Override
  public void copyFrom(int domid, int ref, int offset, MemorySegment destination) {
    throw new UnsupportedOperationException("grant copy needs /dev/xen/gntdev; the Linux platform is frontend-only");
  }

  /** Closes the device; the kernel frees what is no longer mapped by the peer. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      device.close();
    }
  }

  private static final class Shared implements SharedPages {
    private final LinuxPages pages;
    private final int[] refs;
    private final int domid;
    private final long index;

    Shared(LinuxPages pages, int[] refs, int domid, long index) {
      this.pages = pages;
      this.refs = refs;
      this.domid = domid;
      this.index = index;
    }

    @Override
    public Pages pages() {
      return pages;
    }

    @Override
    public int ref(int i) {
      return refs[i];
    }

    @Override
    public int remoteDomid() {
      return domid;
    }

    @Override
    public void close() {
      pages.close();
    }
  }
}
