package io.morgana.net.packet.internal;

import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_KERNEL;
import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_LOSING;
import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_USER;

import io.morgana.net.packet.internal.PacketAbi.BlockDesc;
import io.morgana.net.packet.internal.PacketAbi.Hdr3;
import io.morgana.net.packet.internal.PacketAbi.SockaddrLl;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The user side of a {@code TPACKET_V3} receive ring ({@code
 * Documentation/networking/packet_mmap.rst}, "TPACKET_V3"): {@code blockCount} blocks of {@code
 * blockSize} bytes, each a {@link BlockDesc} followed by frames the kernel packed into it, each
 * frame a {@link Hdr3}, the {@link SockaddrLl} it arrived with, and the frame at {@code tp_mac}.
 *
 * <p>The kernel hands a block over by setting {@code TP_STATUS_USER} in its {@code block_status}
 * when the block is full or its retire timer fires; {@link #drain} reads that status with acquire
 * semantics, walks the block's {@code num_pkts} frames along {@code tp_next_offset}, and returns
 * the block by storing {@code TP_STATUS_KERNEL} with release semantics. Blocks are consumed in
 * ring order.
 *
 * <p><b>Bad entries.</b> Everything in a block is checked before it is read: the first-frame
 * offset and {@code blk_len} must lie in the block, every header, its address and its frame ({@code
 * tp_mac + tp_snaplen}) must end inside {@code blk_len}, and every next offset must move forward.
 * A frame that breaks a rule, and all the block's frames after it, are counted in {@link
 * #droppedFrames()} (and the block in {@link #malformedEntries()}); the block goes back to the
 * kernel as usual. A frame the kernel truncated ({@code tp_snaplen < tp_len}: it did not fit a
 * block) is counted in {@link #droppedFrames()} too. A frame the host itself sent ({@code
 * sll_pkttype == PACKET_OUTGOING}, seen only on kernels without {@code PACKET_IGNORE_OUTGOING}) is
 * skipped and not counted: it was never ours to receive.
 *
 * <p>Not thread-safe: one thread (the kernel loop) drains the ring.
 */
public final class BlockReceiveRing implements ReceiveRing {

  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

  private final MemorySegment ring;
  private final int blockSize;
  private final int blockCount;
  private int next;
  private long droppedFrames;
  private long malformedBlocks;
  private boolean losing;

  /**
   * @param ring the receive ring's mapping (at least {@code blockSize * blockCount} bytes)
   */
  public BlockReceiveRing(MemorySegment ring, int blockSize, int blockCount) {
    if (blockSize < BlockDesc.SIZE + Hdr3.TPACKET3_HDRLEN || blockCount < 1
        || ring.byteSize() < (long) blockSize * blockCount) {
      throw new IllegalArgumentException(
          "a receive ring of " + blockCount + " blocks of " + blockSize + " bytes does not fit "
              + ring.byteSize() + " bytes");
    }
    this.ring = ring;
    this.blockSize = blockSize;
    this.blockCount = blockCount;
  }

  @Override
  public boolean ready() {
    return (blockStatus((long) next * blockSize) & TP_STATUS_USER) != 0;
  }

  /**
   * Delivers the frames of up to {@code maxBlocks} retired blocks to {@code sink} and returns the
   * blocks to the kernel.
   *
   * @return the number of blocks consumed
   */
  @Override
  public int drain(FrameSink sink, int maxBlocks) {
    int blocks = 0;
    while (blocks < maxBlocks) {
      long base = (long) next * blockSize;
      int status = blockStatus(base);
      if ((status & TP_STATUS_USER) == 0) {
        break;
      }
      if ((status & TP_STATUS_LOSING) != 0) {
        losing = true;
      }
      try {
        walk(base, sink);
      } finally {
        INT.setRelease(ring, base + BlockDesc.BLOCK_STATUS_OFFSET, TP_STATUS_KERNEL);
        next = next + 1 == blockCount ? 0 : next + 1;
      }
      blocks++;
    }
    return blocks;
  }

  private int blockStatus(long base) {
    return (int) INT.getAcquire(ring, base + BlockDesc.BLOCK_STATUS_OFFSET);
  }

  private void walk(long base, FrameSink sink) {
    long count = u32(base + BlockDesc.NUM_PKTS_OFFSET);
    if (count == 0) {
      return; // retired by its timer with nothing in it
    }
    long blkLen = u32(base + BlockDesc.BLK_LEN_OFFSET);
    long off = u32(base + BlockDesc.OFFSET_TO_FIRST_PKT_OFFSET);
    if (blkLen > blockSize || off < BlockDesc.SIZE) {
      malformed(count);
      return;
    }
    for (long i = 0; i < count; i++) {
      if (off + Hdr3.SOCKADDR_OFFSET + SockaddrLl.SIZE > blkLen) {
        malformed(count - i);
        return;
      }
      long h = base + off;
      long snaplen = u32(h + Hdr3.SNAPLEN_OFFSET);
      long len = u32(h + Hdr3.LEN_OFFSET);
      int mac = Short.toUnsignedInt(ring.get(U16, h + Hdr3.MAC_OFFSET));
      if (mac < Hdr3.SOCKADDR_OFFSET + SockaddrLl.SIZE || off + mac + snaplen > blkLen) {
        malformed(count - i);
        return;
      }
      int pktType = Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, h + Hdr3.SOCKADDR_OFFSET + SockaddrLl.PKTTYPE_OFFSET));
      if (pktType != PacketAbi.PACKET_OUTGOING) {
        if (snaplen != len) {
          droppedFrames++; // truncated by the kernel: larger than a block holds
        } else {
          sink.frame(ring, h + mac, (int) snaplen, ring.get(U32, h + Hdr3.STATUS_OFFSET));
        }
      }
      if (i + 1 < count) {
        long step = u32(h + Hdr3.NEXT_OFFSET_OFFSET);
        if (step < Hdr3.SIZE) {
          malformed(count - i - 1);
          return;
        }
        off += step;
      }
    }
  }

  private void malformed(long frames) {
    droppedFrames += frames;
    malformedBlocks++;
  }

  private long u32(long offset) {
    return Integer.toUnsignedLong(ring.get(U32, offset));
  }

  /** Frames lost in the ring: malformed entries (and those after them in their block), truncated frames. */
  @Override
  public long droppedFrames() {
    return droppedFrames;
  }

  /** Blocks in which a malformed entry was found. */
  @Override
  public long malformedEntries() {
    return malformedBlocks;
  }

  @Override
  public boolean takeLosing() {
    boolean l = losing;
    losing = false;
    return l;
  }
}
