/**
 * Morgana's one binding of the Linux C library, through Java FFM (no JNI): every module that
 * makes a system call — the kernel loop, the TAP driver, the Xen guest devices, hole punching in
 * file disks, the test kit's namespace helpers — calls {@link io.morgana.runtime.nativeio.Libc}.
 *
 * <ul>
 *   <li>{@link io.morgana.runtime.nativeio.Libc}: the calls and the Linux constants ({@code O_*},
 *       {@code E*}, {@code POLL*}, {@code struct pollfd}, {@code struct timespec}, ...). Each call
 *       takes an {@link io.morgana.runtime.nativeio.Errno}, a caller-owned capture buffer that
 *       {@link java.lang.foreign.Linker.Option#captureCallState} fills, and returns the raw
 *       result: a hot path (a read per frame) allocates nothing and throws nothing. Device
 *       specific request numbers ({@code TUNSETIFF}, the Xen ioctls) stay in the module that owns
 *       the device and go through {@link io.morgana.runtime.nativeio.Libc#ioctl}.
 *   <li>{@link io.morgana.runtime.nativeio.ErrnoException}: the one error style. A failed call
 *       that the caller does not handle becomes {@code errno.exception("open(/dev/net/tun)")}: an
 *       {@link java.io.IOException} carrying the errno, its name, {@code strerror(3)} text and the
 *       call.
 * </ul>
 *
 * <p><b>Lazy.</b> Nothing native happens when these classes load: each function is bound (a
 * downcall handle costs tens of milliseconds) the first time it is called, so a kernel's start-up
 * pays only for what it calls, when it calls it. A JVM that denies native access fails that first
 * call with an {@link java.lang.UnsupportedOperationException} saying how to enable it.
 *
 * <p>For Morgana's own modules, not API for applications: it may change with any release. Linux
 * on x86-64 and aarch64 only (the constants are those of {@code asm-generic}).
 */
package io.morgana.runtime.nativeio;
