/**
 * Internals of the TAP driver: the C library calls it makes through Java FFM ({@code open},
 * {@code ioctl}, {@code read}, {@code write}, {@code socket}, {@code close}) with {@code errno}
 * captured, and the layout of {@code struct ifreq} ({@code <linux/if.h>}). Not an API: nothing
 * outside {@code io.morgana.net.tap} should use it.
 */
package io.morgana.net.tap.internal;
