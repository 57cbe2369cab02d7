package io.morgana.net.packet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.net.packet.internal.PacketAbi.Hdr3;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The transmit ring's slots over ordinary memory, with the test playing the kernel's part. */
class TransmitRingTest {

  static final int BLOCK = 8192;
  static final int FRAME = 2048;
  static final int SLOTS = 8; // four per block, two blocks

  private final MemorySegment ring = Arena.ofAuto().allocate((long) BLOCK * 2, 4096);

  int status(long slot) {
    return ring.get(ValueLayout.JAVA_INT, slot + Hdr3.STATUS_OFFSET);
  }

  /** The kernel sent slot {@code slot}: it is available again. */
  void sent(long slot) {
    ring.set(ValueLayout.JAVA_INT, slot + Hdr3.STATUS_OFFSET, PacketAbi.TP_STATUS_AVAILABLE);
  }

  @Test
  void claimAndCommit_fillSlotsInOrderAcrossBlocks_withTheFrameAfterTheHeader() {
    TransmitRing tx = new TransmitRing(ring, BLOCK, FRAME, SLOTS, SlotLayout.V3);
    assertEquals(FRAME - Hdr3.TX_DATA_OFFSET, tx.capacity());
    for (int i = 0; i < SLOTS; i++) {
      long slot = (long) (i / 4) * BLOCK + (long) (i % 4) * FRAME;
      assertEquals(slot + Hdr3.TX_DATA_OFFSET, tx.claim(), "slot " + i);
      tx.commit(60 + i);
      assertEquals(PacketAbi.TP_STATUS_SEND_REQUEST, status(slot));
      assertEquals(60 + i, ring.get(ValueLayout.JAVA_INT, slot + Hdr3.LEN_OFFSET));
      assertEquals(0, ring.get(ValueLayout.JAVA_INT, slot + Hdr3.NEXT_OFFSET_OFFSET), "V3 transmit: tp_next_offset 0");
    }
    assertEquals(SLOTS, tx.pending());
    tx.kicked();
    assertEquals(0, tx.pending());
  }

  @Test
  void fullRing_claimRefuses_untilTheKernelHasSentTheNextSlot() {
    TransmitRing tx = new TransmitRing(ring, BLOCK, FRAME, SLOTS, SlotLayout.V3);
    for (int i = 0; i < SLOTS; i++) {
      tx.claim();
      tx.commit(100);
    }
    assertEquals(-1, tx.claim(), "every slot is waiting to be sent");
    ring.set(ValueLayout.JAVA_INT, Hdr3.STATUS_OFFSET, PacketAbi.TP_STATUS_SENDING);
    assertEquals(-1, tx.claim(), "still being sent");
    sent(0);
    assertEquals(Hdr3.TX_DATA_OFFSET, tx.claim(), "the first slot again");
  }

  @Test
  void slotTheKernelRefused_isTakenBackAndCounted() {
    TransmitRing tx = new TransmitRing(ring, BLOCK, FRAME, SLOTS, SlotLayout.V3);
    ring.set(ValueLayout.JAVA_INT, Hdr3.STATUS_OFFSET, PacketAbi.TP_STATUS_WRONG_FORMAT);
    assertEquals(Hdr3.TX_DATA_OFFSET, tx.claim());
    assertEquals(1, tx.rejected());
  }

  @Test
  void reclaimUnsent_takesBackOnlyTheSlotsStillRequested() {
    TransmitRing tx = new TransmitRing(ring, BLOCK, FRAME, SLOTS, SlotLayout.V3);
    for (int i = 0; i < 3; i++) {
      tx.claim();
      tx.commit(100 + i);
    }
    sent(0);
    ring.set(ValueLayout.JAVA_INT, FRAME + Hdr3.STATUS_OFFSET, PacketAbi.TP_STATUS_SENDING);
    TransmitRing.ReclaimedFrames back = tx.reclaimUnsent();
    assertEquals(new TransmitRing.ReclaimedFrames(1, 102), back);
    assertEquals(PacketAbi.TP_STATUS_AVAILABLE, status(2L * FRAME));
    assertEquals(PacketAbi.TP_STATUS_SENDING, status(FRAME), "a slot the kernel is sending stays its");
    assertEquals(0, tx.pending());
  }

  @Test
  void commitLongerThanASlot_isRefused() {
    TransmitRing tx = new TransmitRing(ring, BLOCK, FRAME, SLOTS, SlotLayout.V3);
    tx.claim();
    assertThrows(IllegalArgumentException.class, () -> tx.commit(FRAME));
  }

  @Test
  void ringSmallerThanItsSlots_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TransmitRing(ring, BLOCK, FRAME, SLOTS * 2, SlotLayout.V3));
    assertThrows(IllegalArgumentException.class, () -> new TransmitRing(ring, BLOCK, 40, SLOTS, SlotLayout.V3));
  }

  @Test
  void v2Slots_frameAfterTheTpacket2Header_statusAndLengthWhereTpacket2HdrHasThem() {
    TransmitRing tx = new TransmitRing(ring, BLOCK, FRAME, SLOTS, SlotLayout.V2);
    assertEquals(PacketAbi.Hdr2.TX_DATA_OFFSET, tx.claim());
    assertEquals(FRAME - 32, tx.capacity());
    ring.set(ValueLayout.JAVA_INT, 44, 0x5a5a5a5a); // frame bytes: commit must not touch them
    tx.commit(77);
    assertEquals(PacketAbi.TP_STATUS_SEND_REQUEST, ring.get(ValueLayout.JAVA_INT, PacketAbi.Hdr2.STATUS_OFFSET));
    assertEquals(77, ring.get(ValueLayout.JAVA_INT, PacketAbi.Hdr2.LEN_OFFSET));
    assertEquals(0x5a5a5a5a, ring.get(ValueLayout.JAVA_INT, 44));
    assertEquals(FRAME + PacketAbi.Hdr2.TX_DATA_OFFSET, tx.claim());
  }
}
