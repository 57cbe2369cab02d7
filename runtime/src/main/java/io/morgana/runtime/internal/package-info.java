/**
 * Internals of the runtime, not API: the kernel loop's {@code eventfd(2)} wake-up counter. Other
 * modules must not depend on anything here (the C library binding they share is {@link
 * io.morgana.runtime.nativeio}).
 */
package io.morgana.runtime.internal;
