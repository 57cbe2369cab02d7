/**
 * Internals of the TAP driver: the layout of {@code struct ifreq} ({@code <linux/if.h>}) and the
 * request numbers of the ioctls that take one ({@code TUNSETIFF}, {@code SIOCGIF*}). The calls
 * themselves go through the runtime's C library binding, {@link io.morgana.runtime.nativeio}. Not
 * an API: nothing outside {@code io.morgana.net.tap} should use it.
 */
package io.morgana.net.tap.internal;
