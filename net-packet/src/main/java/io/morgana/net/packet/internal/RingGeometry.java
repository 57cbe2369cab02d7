package io.morgana.net.packet.internal;

import io.morgana.net.packet.internal.PacketAbi.BlockDesc;
import io.morgana.net.packet.internal.PacketAbi.Hdr3;
import io.morgana.net.packet.internal.PacketAbi.Req3;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The sizes of one ring, as {@code struct tpacket_req3} gives them to the kernel: {@code
 * blockCount} blocks of {@code blockSize} bytes (a power of two, at least a page, so that the
 * kernel allocates each block in one piece), accounted as {@code frameSize}-byte frames.
 *
 * @param retireTimeoutMillis receive only: how long the kernel keeps a block open before handing
 *     it over part-filled ({@code tp_retire_blk_tov}); 0 for a transmit ring
 */
public record RingGeometry(int blockSize, int blockCount, int frameSize, int retireTimeoutMillis) {

  /** The page size the kernel's ring allocation rounds to. */
  public static final int PAGE = 4096;

  public RingGeometry {
    if (blockSize < PAGE || Integer.bitCount(blockSize) != 1 || blockCount < 1
        || frameSize < Hdr3.TPACKET3_HDRLEN || frameSize % PacketAbi.TPACKET_ALIGNMENT != 0
        || frameSize > blockSize || retireTimeoutMillis < 0) {
      throw new IllegalArgumentException(
          "not a ring the kernel accepts: " + blockCount + " blocks of " + blockSize
              + " bytes (a power of two >= " + PAGE + "), frames of " + frameSize + " bytes");
    }
  }

  /**
   * A receive ring of about {@code totalBytes} for frames of up to {@code maxFrame} bytes: blocks
   * of at least 128 KiB, large enough for one whole frame after the block header.
   */
  public static RingGeometry receive(int maxFrame, int totalBytes, int retireTimeoutMillis) {
    int need = BlockDesc.SIZE + PacketAbi.tpacketAlign(Hdr3.TPACKET3_HDRLEN) + PacketAbi.TPACKET_ALIGNMENT + maxFrame;
    int block = Math.max(1 << 17, powerOfTwoAtLeast(need));
    int blocks = Math.max(4, totalBytes / block);
    return new RingGeometry(block, blocks, 2048, retireTimeoutMillis);
  }

  /**
   * A {@code TPACKET_V2} receive ring of about {@code totalBytes}: power-of-two slots large enough
   * for a frame of {@code maxFrame} bytes at the kernel's {@code tp_mac} ({@code
   * TPACKET_ALIGN(TPACKET2_HDRLEN + 16) - 14}), in blocks of at least 128 KiB.
   */
  public static RingGeometry receiveFrames(int maxFrame, int totalBytes) {
    int frame = Math.max(2048, powerOfTwoAtLeast(PacketAbi.tpacketAlign(PacketAbi.Hdr2.TPACKET2_HDRLEN + 16) + maxFrame));
    int block = Math.max(1 << 17, frame);
    int blocks = Math.max(4, totalBytes / block);
    return new RingGeometry(block, blocks, frame, 0);
  }

  /**
   * A transmit ring of {@code slots} slots for frames of up to {@code maxFrame} bytes — fewer (but
   * at least 8) when that many would map more than {@code maxBytes}: power-of-two slots (so a
   * block holds a whole number of them) in blocks of at least 128 KiB.
   */
  public static RingGeometry transmit(int maxFrame, int slots, int maxBytes) {
    int frame = Math.max(2048, powerOfTwoAtLeast(Hdr3.TX_DATA_OFFSET + maxFrame));
    int block = Math.max(1 << 17, frame);
    int perBlock = block / frame;
    int wanted = Math.max(8, Math.min(slots, maxBytes / frame));
    int blocks = Math.max(1, (wanted + perBlock - 1) / perBlock);
    return new RingGeometry(block, blocks, frame, 0);
  }

  /** {@code tp_frame_nr}: frames per block times blocks, as the kernel checks it. */
  public int frameCount() {
    return blockSize / frameSize * blockCount;
  }

  /** The ring's bytes in the mapping. */
  public long bytes() {
    return (long) blockSize * blockCount;
  }

  /** Writes this geometry as a {@code struct tpacket_req3} ({@link Req3#SIZE} bytes) into {@code req}. */
  public void writeTo(MemorySegment req) {
    req.asSlice(0, Req3.SIZE).fill((byte) 0);
    req.set(ValueLayout.JAVA_INT, Req3.BLOCK_SIZE_OFFSET, blockSize);
    req.set(ValueLayout.JAVA_INT, Req3.BLOCK_NR_OFFSET, blockCount);
    req.set(ValueLayout.JAVA_INT, Req3.FRAME_SIZE_OFFSET, frameSize);
    req.set(ValueLayout.JAVA_INT, Req3.FRAME_NR_OFFSET, frameCount());
    req.set(ValueLayout.JAVA_INT, Req3.RETIRE_BLK_TOV_OFFSET, retireTimeoutMillis);
  }

  private static int powerOfTwoAtLeast(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }
}
