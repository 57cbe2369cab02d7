package io.morgana.net.packet.internal;

import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_KERNEL;
import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_LOSING;
import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_USER;

import io.morgana.net.packet.internal.PacketAbi.Hdr2;
import io.morgana.net.packet.internal.PacketAbi.SockaddrLl;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The user side of a {@code TPACKET_V2} receive ring ({@code
 * Documentation/networking/packet_mmap.rst}): fixed slots of {@code frameSize} bytes, {@code
 * blockSize / frameSize} to a block, each a {@link Hdr2}, the {@link SockaddrLl} the frame came
 * with, and the frame at {@code tp_mac}. The kernel hands a slot over by storing {@code
 * TP_STATUS_USER} in its {@code tp_status} (read here with acquire semantics) and wakes the socket
 * at once; the slot goes back with {@code TP_STATUS_KERNEL} (a release store).
 *
 * <p><b>Bad entries.</b> A slot whose frame ({@code tp_mac + tp_snaplen}) does not end inside the
 * slot, or whose {@code tp_mac} lies inside the header, is counted in {@link #droppedFrames()} and
 * {@link #malformedEntries()}; a frame the kernel truncated ({@code tp_snaplen < tp_len}) in
 * {@link #droppedFrames()}; a frame the host itself sent ({@code PACKET_OUTGOING}) is skipped.
 * Every slot goes back to the kernel.
 */
public final class FrameReceiveRing implements ReceiveRing {

  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

  private final MemorySegment ring;
  private final int blockSize;
  private final int frameSize;
  private final int framesPerBlock;
  private final int frameCount;
  private int next;
  private long droppedFrames;
  private long malformed;
  private boolean losing;

  /**
   * @param ring the receive ring's mapping (at least the blocks that hold {@code frameCount} slots)
   */
  public FrameReceiveRing(MemorySegment ring, int blockSize, int frameSize, int frameCount) {
    if (frameSize < Hdr2.TPACKET2_HDRLEN || frameSize % PacketAbi.TPACKET_ALIGNMENT != 0
        || blockSize < frameSize || frameCount < 1) {
      throw new IllegalArgumentException(
          "a receive ring needs 16-byte aligned slots larger than their header, in blocks that hold"
              + " one: block " + blockSize + ", slot " + frameSize + ", slots " + frameCount);
    }
    this.framesPerBlock = blockSize / frameSize;
    long blocks = (frameCount + framesPerBlock - 1) / framesPerBlock;
    if (ring.byteSize() < blocks * blockSize) {
      throw new IllegalArgumentException(
          "a receive ring of " + frameCount + " slots needs " + blocks * blockSize + " bytes, got "
              + ring.byteSize());
    }
    this.ring = ring;
    this.blockSize = blockSize;
    this.frameSize = frameSize;
    this.frameCount = frameCount;
  }

  @Override
  public boolean ready() {
    return (status(slotOffset(next)) & TP_STATUS_USER) != 0;
  }

  @Override
  public int drain(FrameSink sink, int maxFrames) {
    int frames = 0;
    while (frames < maxFrames) {
      long slot = slotOffset(next);
      int status = status(slot);
      if ((status & TP_STATUS_USER) == 0) {
        break;
      }
      if ((status & TP_STATUS_LOSING) != 0) {
        losing = true;
      }
      try {
        read(slot, status, sink);
      } finally {
        INT.setRelease(ring, slot + Hdr2.STATUS_OFFSET, TP_STATUS_KERNEL);
        next = next + 1 == frameCount ? 0 : next + 1;
      }
      frames++;
    }
    return frames;
  }

  private void read(long slot, int status, FrameSink sink) {
    long snaplen = Integer.toUnsignedLong(ring.get(U32, slot + Hdr2.SNAPLEN_OFFSET));
    long len = Integer.toUnsignedLong(ring.get(U32, slot + Hdr2.LEN_OFFSET));
    int mac = Short.toUnsignedInt(ring.get(U16, slot + Hdr2.MAC_OFFSET));
    if (mac < Hdr2.SOCKADDR_OFFSET + SockaddrLl.SIZE || mac + snaplen > frameSize) {
      droppedFrames++;
      malformed++;
      return;
    }
    int pktType = Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, slot + Hdr2.SOCKADDR_OFFSET + SockaddrLl.PKTTYPE_OFFSET));
    if (pktType == PacketAbi.PACKET_OUTGOING) {
      return;
    }
    if (snaplen != len) {
      droppedFrames++;
      return;
    }
    sink.frame(ring, slot + mac, (int) snaplen, status);
  }

  private int status(long slot) {
    return (int) INT.getAcquire(ring, slot + Hdr2.STATUS_OFFSET);
  }

  private long slotOffset(int index) {
    return (long) (index / framesPerBlock) * blockSize + (long) (index % framesPerBlock) * frameSize;
  }

  @Override
  public long droppedFrames() {
    return droppedFrames;
  }

  @Override
  public long malformedEntries() {
    return malformed;
  }

  @Override
  public boolean takeLosing() {
    boolean l = losing;
    losing = false;
    return l;
  }
}
