/**
 * Internals of the {@code AF_PACKET} driver: the numbers and structure layouts of {@code
 * <linux/if_packet.h>} ({@link io.morgana.net.packet.internal.PacketAbi}), the geometry of a ring
 * ({@link io.morgana.net.packet.internal.RingGeometry}), and the user side of the two mapped rings
 * — {@link io.morgana.net.packet.internal.ReceiveRing} (TPACKET_V3 blocks, walked and checked) and
 * {@link io.morgana.net.packet.internal.TransmitRing} (slots filled and handed to the kernel).
 * They work on any {@link java.lang.foreign.MemorySegment}, so tests drive them over ordinary
 * memory laid out as the kernel would. The C calls go through the runtime's binding, {@link
 * io.morgana.runtime.nativeio}. Not an API: nothing outside {@code io.morgana.net.packet} should
 * use it.
 */
package io.morgana.net.packet.internal;
