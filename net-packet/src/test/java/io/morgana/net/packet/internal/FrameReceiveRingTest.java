package io.morgana.net.packet.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.packet.internal.PacketAbi.Hdr2;
import io.morgana.net.packet.internal.PacketAbi.SockaddrLl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The TPACKET_V2 receive walk over ordinary memory laid out as the kernel lays out the ring
 * ({@code tpacket_rcv}: the frame at {@code tp_mac = TPACKET_ALIGN(TPACKET2_HDRLEN + 16) - 14}).
 */
class FrameReceiveRingTest {

  static final int BLOCK = 8192;
  static final int FRAME = 2048;
  static final int SLOTS = 8;
  static final int MAC = PacketAbi.tpacketAlign(Hdr2.TPACKET2_HDRLEN + 16) - 14;

  private final MemorySegment ring = Arena.ofAuto().allocate((long) BLOCK * 2, 4096);
  private final List<byte[]> got = new ArrayList<>();
  private final ReceiveRing.FrameSink collect =
      (r, offset, length, status) -> got.add(r.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));

  static long slot(int i) {
    return (long) (i / 4) * BLOCK + (long) (i % 4) * FRAME;
  }

  /** The kernel fills slot {@code i} with {@code frame} and hands it over. */
  void fill(int i, byte[] frame) {
    long s = slot(i);
    ring.asSlice(s, FRAME).fill((byte) 0);
    ring.set(ValueLayout.JAVA_INT, s + Hdr2.LEN_OFFSET, frame.length);
    ring.set(ValueLayout.JAVA_INT, s + Hdr2.SNAPLEN_OFFSET, frame.length);
    ring.set(ValueLayout.JAVA_SHORT, s + Hdr2.MAC_OFFSET, (short) MAC);
    ring.set(ValueLayout.JAVA_SHORT, s + Hdr2.NET_OFFSET, (short) (MAC + 14));
    MemorySegment.copy(frame, 0, ring, ValueLayout.JAVA_BYTE, s + MAC, frame.length);
    ring.set(ValueLayout.JAVA_INT, s + Hdr2.STATUS_OFFSET, PacketAbi.TP_STATUS_USER);
  }

  static byte[] frame(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 17 + i);
    }
    return b;
  }

  @Test
  void filledSlots_deliveredInOrderAcrossBlocks_andHandedBack() {
    FrameReceiveRing rx = new FrameReceiveRing(ring, BLOCK, FRAME, SLOTS);
    for (int i = 0; i < 6; i++) {
      fill(i, frame(60 + i * 200, i));
    }
    assertTrue(rx.ready());
    assertEquals(6, rx.drain(collect, 100));
    for (int i = 0; i < 6; i++) {
      assertArrayEquals(frame(60 + i * 200, i), got.get(i), "frame " + i);
      assertEquals(PacketAbi.TP_STATUS_KERNEL, ring.get(ValueLayout.JAVA_INT, slot(i) + Hdr2.STATUS_OFFSET));
    }
    assertFalse(rx.ready());
  }

  @Test
  void budgetAndWrapAround() {
    FrameReceiveRing rx = new FrameReceiveRing(ring, BLOCK, FRAME, SLOTS);
    for (int i = 0; i < SLOTS; i++) {
      fill(i, frame(64, i));
    }
    assertEquals(5, rx.drain(collect, 5));
    assertEquals(3, rx.drain(collect, 5));
    fill(0, frame(64, 42));
    assertEquals(1, rx.drain(collect, 5));
    assertArrayEquals(frame(64, 42), got.get(8), "after the last slot comes the first");
  }

  @Test
  void frameRunningPastItsSlot_droppedAndCounted_slotHandedBack() {
    FrameReceiveRing rx = new FrameReceiveRing(ring, BLOCK, FRAME, SLOTS);
    fill(0, frame(100, 1));
    fill(1, frame(100, 2));
    ring.set(ValueLayout.JAVA_INT, slot(0) + Hdr2.SNAPLEN_OFFSET, FRAME);
    ring.set(ValueLayout.JAVA_INT, slot(0) + Hdr2.LEN_OFFSET, FRAME);
    assertEquals(2, rx.drain(collect, 10));
    assertEquals(1, got.size());
    assertEquals(1, rx.droppedFrames());
    assertEquals(1, rx.malformedEntries());
    assertEquals(PacketAbi.TP_STATUS_KERNEL, ring.get(ValueLayout.JAVA_INT, slot(0) + Hdr2.STATUS_OFFSET));
  }

  @Test
  void macInsideTheHeader_dropped_truncatedFrame_dropped_outgoingFrame_skipped() {
    FrameReceiveRing rx = new FrameReceiveRing(ring, BLOCK, FRAME, SLOTS);
    fill(0, frame(100, 1));
    ring.set(ValueLayout.JAVA_SHORT, slot(0) + Hdr2.MAC_OFFSET, (short) 8);
    fill(1, frame(100, 2));
    ring.set(ValueLayout.JAVA_INT, slot(1) + Hdr2.LEN_OFFSET, 9000);
    fill(2, frame(100, 3));
    ring.set(ValueLayout.JAVA_BYTE, slot(2) + Hdr2.SOCKADDR_OFFSET + SockaddrLl.PKTTYPE_OFFSET, (byte) PacketAbi.PACKET_OUTGOING);
    fill(3, frame(100, 4));
    rx.drain(collect, 10);
    assertEquals(1, got.size());
    assertArrayEquals(frame(100, 4), got.get(0));
    assertEquals(2, rx.droppedFrames());
  }

  @Test
  void losingStatus_reportedOnce() {
    FrameReceiveRing rx = new FrameReceiveRing(ring, BLOCK, FRAME, SLOTS);
    fill(0, frame(100, 1));
    ring.set(ValueLayout.JAVA_INT, slot(0) + Hdr2.STATUS_OFFSET, PacketAbi.TP_STATUS_USER | PacketAbi.TP_STATUS_LOSING);
    rx.drain(collect, 10);
    assertTrue(rx.takeLosing());
    assertFalse(rx.takeLosing());
  }

  /** Whatever a handed-over slot's header holds, the walk never throws and delivers only bytes inside the slot. */
  @Property(tries = 300)
  void garbageHeaders_neverThrow_deliverOnlyInsideTheSlot(@ForAll int snaplen, @ForAll int len, @ForAll short mac) {
    FrameReceiveRing rx = new FrameReceiveRing(ring, BLOCK, FRAME, SLOTS);
    fill(0, frame(100, 1));
    ring.set(ValueLayout.JAVA_INT, Hdr2.SNAPLEN_OFFSET, snaplen);
    ring.set(ValueLayout.JAVA_INT, Hdr2.LEN_OFFSET, len);
    ring.set(ValueLayout.JAVA_SHORT, Hdr2.MAC_OFFSET, mac);
    List<long[]> spans = new ArrayList<>();
    rx.drain((r, offset, length, status) -> spans.add(new long[] {offset, length}), 1);
    for (long[] s : spans) {
      assertTrue(s[0] >= Hdr2.SOCKADDR_OFFSET + SockaddrLl.SIZE && s[0] + s[1] <= FRAME, s[0] + "+" + s[1]);
    }
    assertEquals(PacketAbi.TP_STATUS_KERNEL, ring.get(ValueLayout.JAVA_INT, Hdr2.STATUS_OFFSET));
  }
}
