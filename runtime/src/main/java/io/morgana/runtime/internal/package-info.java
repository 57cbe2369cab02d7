/**
 * Internals of the runtime, not API: the Linux system calls the kernel loop makes through Java
 * FFM ({@code poll(2)}, {@code eventfd(2)}, {@code read(2)}, {@code write(2)}, {@code close(2)}).
 * Other modules must not depend on anything here.
 */
package io.morgana.runtime.internal;
