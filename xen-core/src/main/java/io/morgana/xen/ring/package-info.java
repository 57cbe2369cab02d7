/**
 * Shared rings over {@link java.lang.foreign.MemorySegment}s: the request/response rings of Xen
 * {@code io/ring.h} ({@link io.morgana.xen.ring.FrontRing}, {@link io.morgana.xen.ring.BackRing},
 * layout in {@link io.morgana.xen.ring.SharedRingLayout}) and the byte rings of
 * {@code io/console.h} and {@code io/xs_wire.h} ({@link io.morgana.xen.ring.ByteRing}).
 *
 * <p>The peer is untrusted: an index moved further than the ring allows throws {@link
 * io.morgana.xen.ring.RingException}; slot offsets are always masked, so no index value ever
 * reaches outside the shared segment.
 */
package io.morgana.xen.ring;
