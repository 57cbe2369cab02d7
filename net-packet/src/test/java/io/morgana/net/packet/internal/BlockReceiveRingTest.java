package io.morgana.net.packet.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.packet.internal.PacketAbi.BlockDesc;
import io.morgana.net.packet.internal.PacketAbi.Hdr3;
import io.morgana.net.packet.internal.PacketAbi.SockaddrLl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The TPACKET_V3 receive walk over ordinary memory laid out as the kernel lays out a ring
 * ({@code net/packet/af_packet.c}: {@code prb_open_block}, {@code prb_fill_curr_block}): frames
 * delivered in order, blocks returned, and every malformed entry a counted drop, never an
 * exception.
 */
class BlockReceiveRingTest {

  static final int BLOCK = 1 << 16;
  static final int BLOCKS = 4;
  /** The kernel's {@code tp_mac} for a raw socket: {@code TPACKET_ALIGN(TPACKET3_HDRLEN)} plus padding to align the network header. */
  static final int MAC = 82;

  private final Arena arena = Arena.ofAuto();
  private final MemorySegment ring = arena.allocate((long) BLOCK * BLOCKS, 4096);

  /** Writes block {@code index} as the kernel would, retired (TP_STATUS_USER), holding {@code frames}. */
  void retire(int index, byte[]... frames) {
    long base = (long) index * BLOCK;
    ring.asSlice(base, BLOCK).fill((byte) 0);
    ring.set(ValueLayout.JAVA_INT, base + BlockDesc.VERSION_OFFSET, 3);
    ring.set(ValueLayout.JAVA_INT, base + BlockDesc.NUM_PKTS_OFFSET, frames.length);
    ring.set(ValueLayout.JAVA_INT, base + BlockDesc.OFFSET_TO_FIRST_PKT_OFFSET, BlockDesc.SIZE);
    long off = BlockDesc.SIZE;
    for (int i = 0; i < frames.length; i++) {
      long h = base + off;
      int step = PacketAbi.tpacketAlign(MAC + frames[i].length);
      ring.set(ValueLayout.JAVA_INT, h + Hdr3.NEXT_OFFSET_OFFSET, i + 1 < frames.length ? step : 0);
      ring.set(ValueLayout.JAVA_INT, h + Hdr3.SNAPLEN_OFFSET, frames[i].length);
      ring.set(ValueLayout.JAVA_INT, h + Hdr3.LEN_OFFSET, frames[i].length);
      ring.set(ValueLayout.JAVA_INT, h + Hdr3.STATUS_OFFSET, PacketAbi.TP_STATUS_USER);
      ring.set(ValueLayout.JAVA_SHORT, h + Hdr3.MAC_OFFSET, (short) MAC);
      ring.set(ValueLayout.JAVA_SHORT, h + Hdr3.NET_OFFSET, (short) (MAC + 14));
      ring.set(ValueLayout.JAVA_SHORT, h + Hdr3.SOCKADDR_OFFSET + SockaddrLl.FAMILY_OFFSET, (short) 17);
      MemorySegment.copy(frames[i], 0, ring, ValueLayout.JAVA_BYTE, h + MAC, frames[i].length);
      off += step;
    }
    ring.set(ValueLayout.JAVA_INT, base + BlockDesc.BLK_LEN_OFFSET, (int) off);
    ring.set(ValueLayout.JAVA_INT, base + BlockDesc.BLOCK_STATUS_OFFSET, PacketAbi.TP_STATUS_USER);
  }

  /** The offset of frame {@code i}'s header in block {@code index} (frames written by {@link #retire}). */
  long header(int index, int i) {
    long off = (long) index * BLOCK + BlockDesc.SIZE;
    for (int k = 0; k < i; k++) {
      off += ring.get(ValueLayout.JAVA_INT, off + Hdr3.NEXT_OFFSET_OFFSET);
    }
    return off;
  }

  int blockStatus(int index) {
    return ring.get(ValueLayout.JAVA_INT, (long) index * BLOCK + BlockDesc.BLOCK_STATUS_OFFSET);
  }

  static byte[] frame(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return b;
  }

  final List<byte[]> got = new ArrayList<>();
  final ReceiveRing.FrameSink collect =
      (r, offset, length, status) -> got.add(r.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));

  @Test
  void retiredBlock_framesDeliveredInOrder_blockReturnedToTheKernel() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    byte[] a = frame(60, 1);
    byte[] b = frame(1514, 2);
    byte[] c = frame(97, 3);
    retire(0, a, b, c);
    assertTrue(rx.ready());
    assertEquals(1, rx.drain(collect, 8));
    assertEquals(3, got.size());
    assertArrayEquals(a, got.get(0));
    assertArrayEquals(b, got.get(1));
    assertArrayEquals(c, got.get(2));
    assertEquals(PacketAbi.TP_STATUS_KERNEL, blockStatus(0), "the block goes back to the kernel");
    assertEquals(0, rx.droppedFrames());
    assertFalse(rx.ready(), "the next block is still the kernel's");
  }

  @Test
  void blockStillTheKernels_isNotRead() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1));
    ring.set(ValueLayout.JAVA_INT, BlockDesc.BLOCK_STATUS_OFFSET, PacketAbi.TP_STATUS_KERNEL);
    assertEquals(0, rx.drain(collect, 8));
    assertTrue(got.isEmpty());
  }

  @Test
  void blocksAreConsumedInRingOrder_wrappingAround_withinTheBudget() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    for (int i = 0; i < BLOCKS; i++) {
      retire(i, frame(64, i));
    }
    assertEquals(3, rx.drain(collect, 3), "budget of three blocks");
    assertEquals(1, rx.drain(collect, 3));
    retire(0, frame(64, 9));
    assertEquals(1, rx.drain(collect, 3), "after the last block comes the first again");
    assertEquals(5, got.size());
    assertArrayEquals(frame(64, 3), got.get(3));
    assertArrayEquals(frame(64, 9), got.get(4));
  }

  @Test
  void emptyBlockRetiredByItsTimer_isReturned() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0);
    assertEquals(1, rx.drain(collect, 8));
    assertEquals(PacketAbi.TP_STATUS_KERNEL, blockStatus(0));
    assertEquals(0, rx.droppedFrames());
  }

  @Test
  void blkLenBeyondTheBlock_everyFrameDropped_blockStillReturned() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1), frame(60, 2));
    ring.set(ValueLayout.JAVA_INT, BlockDesc.BLK_LEN_OFFSET, BLOCK + 1);
    assertEquals(1, rx.drain(collect, 8));
    assertTrue(got.isEmpty());
    assertEquals(2, rx.droppedFrames());
    assertEquals(1, rx.malformedEntries());
    assertEquals(PacketAbi.TP_STATUS_KERNEL, blockStatus(0));
  }

  @Test
  void firstFrameOffsetInsideTheBlockHeader_everyFrameDropped() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1));
    ring.set(ValueLayout.JAVA_INT, BlockDesc.OFFSET_TO_FIRST_PKT_OFFSET, 8);
    rx.drain(collect, 8);
    assertTrue(got.isEmpty());
    assertEquals(1, rx.droppedFrames());
  }

  @Test
  void frameRunningPastBlkLen_itAndTheFramesAfterItDropped_earlierOnesDelivered() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1), frame(60, 2), frame(60, 3));
    ring.set(ValueLayout.JAVA_INT, header(0, 1) + Hdr3.SNAPLEN_OFFSET, BLOCK);
    ring.set(ValueLayout.JAVA_INT, header(0, 1) + Hdr3.LEN_OFFSET, BLOCK);
    rx.drain(collect, 8);
    assertEquals(1, got.size());
    assertEquals(2, rx.droppedFrames());
  }

  @Test
  void macOffsetInsideTheHeader_frameDropped() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1));
    ring.set(ValueLayout.JAVA_SHORT, header(0, 0) + Hdr3.MAC_OFFSET, (short) 4);
    rx.drain(collect, 8);
    assertTrue(got.isEmpty());
    assertEquals(1, rx.droppedFrames());
  }

  @Test
  void nextOffsetZeroBeforeTheLastFrame_theRestDropped() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1), frame(60, 2), frame(60, 3));
    ring.set(ValueLayout.JAVA_INT, header(0, 0) + Hdr3.NEXT_OFFSET_OFFSET, 0);
    rx.drain(collect, 8);
    assertEquals(1, got.size(), "the first frame is whole");
    assertEquals(2, rx.droppedFrames());
  }

  @Test
  void numPktsBeyondWhatTheBlockHolds_theMissingFramesDropped() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1));
    ring.set(ValueLayout.JAVA_INT, header(0, 0) + Hdr3.NEXT_OFFSET_OFFSET, BLOCK);
    ring.set(ValueLayout.JAVA_INT, BlockDesc.NUM_PKTS_OFFSET, -1); // 2^32 - 1, unsigned
    rx.drain(collect, 8);
    assertEquals(1, got.size());
    assertEquals(0xffff_ffffL - 1, rx.droppedFrames());
  }

  @Test
  void truncatedFrame_countedAsDropped_othersDelivered() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1), frame(60, 2));
    ring.set(ValueLayout.JAVA_INT, header(0, 0) + Hdr3.LEN_OFFSET, 9000);
    rx.drain(collect, 8);
    assertEquals(1, got.size());
    assertArrayEquals(frame(60, 2), got.get(0));
    assertEquals(1, rx.droppedFrames());
  }

  @Test
  void frameTheHostSent_skippedAndNotCounted() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1), frame(60, 2));
    ring.set(ValueLayout.JAVA_BYTE, header(0, 0) + Hdr3.SOCKADDR_OFFSET + SockaddrLl.PKTTYPE_OFFSET,
        (byte) PacketAbi.PACKET_OUTGOING);
    rx.drain(collect, 8);
    assertEquals(1, got.size());
    assertArrayEquals(frame(60, 2), got.get(0));
    assertEquals(0, rx.droppedFrames());
  }

  @Test
  void losingFlag_reportedOnce() {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    retire(0, frame(60, 1));
    ring.set(ValueLayout.JAVA_INT, BlockDesc.BLOCK_STATUS_OFFSET, PacketAbi.TP_STATUS_USER | PacketAbi.TP_STATUS_LOSING);
    rx.drain(collect, 8);
    assertTrue(rx.takeLosing());
    assertFalse(rx.takeLosing());
  }

  /**
   * Whatever a retired block's header and frame headers hold, the walk neither throws nor reads
   * outside the block, and every frame it delivers lies inside it.
   */
  @Property(tries = 300)
  void garbageInARetiredBlock_neverThrows_deliversOnlyFramesInsideTheBlock(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int corruptions) {
    ReceiveRing rx = new BlockReceiveRing(ring, BLOCK, BLOCKS);
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    byte[][] frames = new byte[1 + random.nextInt(20)][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = frame(14 + random.nextInt(1500), i);
    }
    retire(0, frames);
    long used = ring.get(ValueLayout.JAVA_INT, BlockDesc.BLK_LEN_OFFSET);
    for (int i = 0; i < corruptions; i++) {
      long at = random.nextInt((int) Math.min(used, BLOCK - 4));
      if (at > BlockDesc.BLOCK_STATUS_OFFSET - 4 && at < BlockDesc.BLOCK_STATUS_OFFSET + 4) {
        continue; // the status word says whose the block is: the kernel never hands over garbage there
      }
      ring.set(ValueLayout.JAVA_INT_UNALIGNED, at, random.nextInt());
    }
    List<long[]> spans = new ArrayList<>();
    rx.drain((r, offset, length, status) -> spans.add(new long[] {offset, length}), 1);
    for (long[] s : spans) {
      assertTrue(s[0] >= BlockDesc.SIZE && s[0] + s[1] <= BLOCK, "frame at " + s[0] + " of " + s[1] + " bytes");
    }
    assertEquals(PacketAbi.TP_STATUS_KERNEL, blockStatus(0));
  }
}
