package io.morgana.xen.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * ioctl numbers and argument layouts of the Linux UAPI headers {@code xen/evtchn.h} and {@code
 * xen/gntalloc.h} (linux-libc-dev; identical in libxen-dev's {@code xen/sys/}). Every number is
 * {@code _IOC(_IOC_NONE, type, nr, sizeof(struct))} = {@code (size << 16) | (type << 8) | nr},
 * computed here from the layouts, so a layout error shows in the number too. Native byte order.
 */
public final class XenIoctls {

  private XenIoctls() {}

  /** {@code _IOC_NONE}. */
  public static final int IOC_NONE = 0;

  /** {@code _IOC(dir, type, nr, size)} of {@code asm-generic/ioctl.h}. */
  public static long ioc(int dir, char type, int nr, long size) {
    return ((long) dir << 30) | (size << 16) | ((long) type << 8) | nr;
  }

  /** {@code struct ioctl_evtchn_bind_virq { unsigned int virq; }}. */
  public static final StructLayout EVTCHN_BIND_VIRQ_LAYOUT =
      MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("virq"));

  /** {@code struct ioctl_evtchn_bind_interdomain { unsigned int remote_domain, remote_port; }}. */
  public static final StructLayout EVTCHN_BIND_INTERDOMAIN_LAYOUT = MemoryLayout.structLayout(
      ValueLayout.JAVA_INT.withName("remote_domain"), ValueLayout.JAVA_INT.withName("remote_port"));

  /** {@code struct ioctl_evtchn_bind_unbound_port { unsigned int remote_domain; }}. */
  public static final StructLayout EVTCHN_BIND_UNBOUND_PORT_LAYOUT =
      MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("remote_domain"));

  /** {@code struct ioctl_evtchn_unbind { unsigned int port; }}. */
  public static final StructLayout EVTCHN_UNBIND_LAYOUT =
      MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("port"));

  /** {@code struct ioctl_evtchn_notify { unsigned int port; }}. */
  public static final StructLayout EVTCHN_NOTIFY_LAYOUT =
      MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("port"));

  /**
   * {@code struct ioctl_gntalloc_alloc_gref { __u16 domid; __u16 flags; __u32 count; __u64 index;
   * __u32 gref_ids[1]; }}, 24 bytes with tail padding; pass {@code 16 + 4 * count} bytes (at least
   * 24).
   */
  public static final StructLayout GNTALLOC_ALLOC_GREF_LAYOUT = MemoryLayout.structLayout(
      ValueLayout.JAVA_SHORT.withName("domid"),
      ValueLayout.JAVA_SHORT.withName("flags"),
      ValueLayout.JAVA_INT.withName("count"),
      ValueLayout.JAVA_LONG.withName("index"),
      MemoryLayout.sequenceLayout(1, ValueLayout.JAVA_INT).withName("gref_ids"),
      MemoryLayout.paddingLayout(4));

  /** {@code struct ioctl_gntalloc_dealloc_gref { __u64 index; __u32 count; }}, 16 bytes. */
  public static final StructLayout GNTALLOC_DEALLOC_GREF_LAYOUT = MemoryLayout.structLayout(
      ValueLayout.JAVA_LONG.withName("index"), ValueLayout.JAVA_INT.withName("count"), MemoryLayout.paddingLayout(4));

  /** {@code struct ioctl_gntalloc_unmap_notify { __u64 index; __u32 action; __u32 event_channel_port; }}. */
  public static final StructLayout GNTALLOC_UNMAP_NOTIFY_LAYOUT = MemoryLayout.structLayout(
      ValueLayout.JAVA_LONG.withName("index"), ValueLayout.JAVA_INT.withName("action"),
      ValueLayout.JAVA_INT.withName("event_channel_port"));

  /** {@code IOCTL_EVTCHN_BIND_VIRQ} = 0x00044500. */
  public static final long IOCTL_EVTCHN_BIND_VIRQ = ioc(IOC_NONE, 'E', 0, EVTCHN_BIND_VIRQ_LAYOUT.byteSize());
  /** {@code IOCTL_EVTCHN_BIND_INTERDOMAIN} = 0x00084501. */
  public static final long IOCTL_EVTCHN_BIND_INTERDOMAIN =
      ioc(IOC_NONE, 'E', 1, EVTCHN_BIND_INTERDOMAIN_LAYOUT.byteSize());
  /** {@code IOCTL_EVTCHN_BIND_UNBOUND_PORT} = 0x00044502. */
  public static final long IOCTL_EVTCHN_BIND_UNBOUND_PORT =
      ioc(IOC_NONE, 'E', 2, EVTCHN_BIND_UNBOUND_PORT_LAYOUT.byteSize());
  /** {@code IOCTL_EVTCHN_UNBIND} = 0x00044503. */
  public static final long IOCTL_EVTCHN_UNBIND = ioc(IOC_NONE, 'E', 3, EVTCHN_UNBIND_LAYOUT.byteSize());
  /** {@code IOCTL_EVTCHN_NOTIFY} = 0x00044504. */
  public static final long IOCTL_EVTCHN_NOTIFY = ioc(IOC_NONE, 'E', 4, EVTCHN_NOTIFY_LAYOUT.byteSize());
  /** {@code IOCTL_EVTCHN_RESET} = 0x00004505 (no argument). */
  public static final long IOCTL_EVTCHN_RESET = ioc(IOC_NONE, 'E', 5, 0);
  /** {@code IOCTL_GNTALLOC_ALLOC_GREF} = 0x00184705. */
  public static final long IOCTL_GNTALLOC_ALLOC_GREF =
      ioc(IOC_NONE, 'G', 5, GNTALLOC_ALLOC_GREF_LAYOUT.byteSize());
  /** {@code IOCTL_GNTALLOC_DEALLOC_GREF} = 0x00104706. */
  public static final long IOCTL_GNTALLOC_DEALLOC_GREF =
      ioc(IOC_NONE, 'G', 6, GNTALLOC_DEALLOC_GREF_LAYOUT.byteSize());
  /** {@code IOCTL_GNTALLOC_SET_UNMAP_NOTIFY} = 0x00104707. */
  public static final long IOCTL_GNTALLOC_SET_UNMAP_NOTIFY =
      ioc(IOC_NONE, 'G', 7, GNTALLOC_UNMAP_NOTIFY_LAYOUT.byteSize());

  /** {@code GNTALLOC_FLAG_WRITABLE}. */
  public static final int GNTALLOC_FLAG_WRITABLE = 1;
  /** {@code UNMAP_NOTIFY_CLEAR_BYTE}. */
  public static final int UNMAP_NOTIFY_CLEAR_BYTE = 1;
  /** {@code UNMAP_NOTIFY_SEND_EVENT}. */
  public static final int UNMAP_NOTIFY_SEND_EVENT = 2;

  /** Byte offset of a named field of {@code layout}. */
  public static long offsetOf(StructLayout layout, String field) {
    return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
  }
}
