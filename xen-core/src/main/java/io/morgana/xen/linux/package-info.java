/**
 * The Linux guest platform: a JVM inside a Xen guest drives its own devices through Linux's
 * user-space interfaces, by FFM (no JNI) through the runtime's C library binding ({@link
 * io.morgana.runtime.nativeio.Libc}): {@code /dev/xen/xenbus} (XenStore, {@link
 * io.morgana.xen.linux.LinuxXenbusTransport}), {@code /dev/xen/evtchn} ({@link
 * io.morgana.xen.linux.LinuxEventChannels}), {@code /dev/xen/gntalloc} ({@link
 * io.morgana.xen.linux.LinuxGrantTable}), with the ioctl numbers and argument layouts of the
 * Linux UAPI headers {@code xen/evtchn.h} and {@code xen/gntalloc.h} in {@link
 * io.morgana.xen.linux.XenIoctls}. A call the kernel refuses surfaces as an {@link
 * io.morgana.runtime.nativeio.ErrnoException} (unchecked where the interface has no checked
 * exception: an {@link java.io.UncheckedIOException} around it, or the interface's own
 * exception). {@link io.morgana.xen.linux.LinuxXenPlatform} bundles them; outside a Xen guest
 * opening it fails with one {@link io.morgana.xen.linux.XenUnavailableException}.
 */
package io.morgana.xen.linux;
