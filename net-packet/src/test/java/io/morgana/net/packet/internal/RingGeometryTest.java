package io.morgana.net.packet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.packet.internal.PacketAbi.Req3;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class RingGeometryTest {

  @Test
  void ethernetMtu_receiveRingOf32BlocksOf128KiB_transmitRingOf256SlotsOf2KiB() {
    RingGeometry rx = RingGeometry.receive(1514, 4 << 20, 1);
    assertEquals(new RingGeometry(1 << 17, 32, 2048, 1), rx);
    assertEquals(64 * 32, rx.frameCount(), "tp_frame_nr = frames per block x blocks");
    RingGeometry tx = RingGeometry.transmit(1514, 256, 4 << 20);
    assertEquals(new RingGeometry(1 << 17, 4, 2048, 0), tx);
    assertEquals(256, tx.frameCount());
  }

  @Test
  void largestMtu_aWholeFrameFitsAReceiveBlockAndATransmitSlot_andTheRingStaysBounded() {
    int maxFrame = 65_535 + 14;
    RingGeometry rx = RingGeometry.receive(maxFrame, 4 << 20, 1);
    assertTrue(rx.blockSize() >= PacketAbi.BlockDesc.SIZE + PacketAbi.Hdr3.TPACKET3_HDRLEN + maxFrame, rx.toString());
    RingGeometry tx = RingGeometry.transmit(maxFrame, 256, 4 << 20);
    assertTrue(tx.frameSize() - PacketAbi.Hdr3.TX_DATA_OFFSET >= maxFrame, tx.toString());
    assertTrue(tx.bytes() <= 4 << 20, "the transmit ring maps " + tx.bytes() + " bytes");
    assertTrue(tx.frameCount() >= 8, tx.toString());
  }

  @Test
  void writeTo_isAStructTpacketReq3() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment req = arena.allocate(Req3.SIZE);
      req.fill((byte) 0x5a);
      new RingGeometry(1 << 17, 32, 2048, 7).writeTo(req);
      int[] fields = req.toArray(ValueLayout.JAVA_INT);
      assertEquals(1 << 17, fields[0]);
      assertEquals(32, fields[1]);
      assertEquals(2048, fields[2]);
      assertEquals(64 * 32, fields[3]);
      assertEquals(7, fields[4]);
      assertEquals(0, fields[5], "tp_sizeof_priv");
      assertEquals(0, fields[6], "tp_feature_req_word");
    }
  }

  @Test
  void impossibleGeometries_areRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RingGeometry(3 << 12, 4, 2048, 1), "not a power of two");
    assertThrows(IllegalArgumentException.class, () -> new RingGeometry(2048, 4, 2048, 1), "below a page");
    assertThrows(IllegalArgumentException.class, () -> new RingGeometry(1 << 17, 4, 2050, 1), "frame not aligned");
    assertThrows(IllegalArgumentException.class, () -> new RingGeometry(1 << 17, 4, 48, 1), "frame below TPACKET3_HDRLEN");
    assertThrows(IllegalArgumentException.class, () -> new RingGeometry(1 << 17, 0, 2048, 1), "no blocks");
  }

  @Test
  void v2ReceiveRing_aSlotHoldsTheLargestFrameAtTheKernelsMacOffset() {
    RingGeometry rx = RingGeometry.receiveFrames(1514, 4 << 20);
    assertEquals(new RingGeometry(1 << 17, 32, 2048, 0), rx);
    int macOffset = PacketAbi.tpacketAlign(PacketAbi.Hdr2.TPACKET2_HDRLEN + 16) - 14;
    RingGeometry jumbo = RingGeometry.receiveFrames(9014, 4 << 20);
    assertTrue(macOffset + 9014 <= jumbo.frameSize(), jumbo.toString());
  }
}
