package io.morgana.net.packet.internal;

import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_AVAILABLE;
import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_SEND_REQUEST;
import static io.morgana.net.packet.internal.PacketAbi.TP_STATUS_WRONG_FORMAT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The user side of a {@code PACKET_TX_RING} ({@code Documentation/networking/packet_mmap.rst},
 * "Transmission process"): fixed slots of {@code frameSize} bytes, {@code blockSize / frameSize}
 * to a block, each a header ({@link SlotLayout#V2} or {@link SlotLayout#V3}) with the frame at
 * {@link SlotLayout#dataOffset()}.
 *
 * <p>A slot is free when its {@code tp_status} is {@code TP_STATUS_AVAILABLE} (read with acquire
 * semantics). {@link #claim} returns where the next frame goes; {@link #commit} writes {@code
 * tp_len} (and under V3 {@code tp_next_offset = 0}: V3 has no variable-size transmit frames), then {@code
 * TP_STATUS_SEND_REQUEST} with release semantics. The caller then kicks the kernel ({@code
 * sendto} with no data), which sends every requested slot in ring order and makes each available
 * again once the device has taken it.
 *
 * <p>Not thread-safe: one thread (the kernel loop) fills the ring.
 */
public final class TransmitRing {

  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private final MemorySegment ring;
  private final SlotLayout layout;
  private final int blockSize;
  private final int frameSize;
  private final int framesPerBlock;
  private final int frameCount;
  private int head;
  private int pending;
  private long rejected;

  /**
   * @param ring the transmit ring's mapping (at least {@code frameCount / (blockSize / frameSize)}
   *     blocks)
   */
  public TransmitRing(MemorySegment ring, int blockSize, int frameSize, int frameCount, SlotLayout layout) {
    if (frameSize <= layout.dataOffset() || frameSize % PacketAbi.TPACKET_ALIGNMENT != 0
        || blockSize < frameSize || frameCount < 1) {
      throw new IllegalArgumentException(
          "a transmit ring needs 16-byte aligned slots larger than their header, in blocks that hold"
              + " one: block " + blockSize + ", slot " + frameSize + ", slots " + frameCount);
    }
    this.framesPerBlock = blockSize / frameSize;
    long blocks = (frameCount + framesPerBlock - 1) / framesPerBlock;
    if (ring.byteSize() < blocks * blockSize) {
      throw new IllegalArgumentException(
          "a transmit ring of " + frameCount + " slots needs " + blocks * blockSize + " bytes, got "
              + ring.byteSize());
    }
    this.ring = ring;
    this.layout = layout;
    this.blockSize = blockSize;
    this.frameSize = frameSize;
    this.frameCount = frameCount;
  }

  /** The largest frame a slot holds. */
  public int capacity() {
    return frameSize - layout.dataOffset();
  }

  /**
   * Where the next frame goes (an offset into the ring), or -1 when the next slot is still the
   * kernel's (the ring is full). A slot the kernel left {@code TP_STATUS_WRONG_FORMAT} is taken
   * back and counted in {@link #rejected()}.
   */
  public long claim() {
    long slot = slotOffset(head);
    int status = (int) INT.getAcquire(ring, slot + layout.statusOffset());
    if (status == TP_STATUS_WRONG_FORMAT) {
      rejected++;
      status = TP_STATUS_AVAILABLE;
    }
    return status == TP_STATUS_AVAILABLE ? slot + layout.dataOffset() : -1;
  }

  /** Hands the claimed slot, holding a frame of {@code length} bytes, to the kernel. */
  public void commit(int length) {
    if (length < 0 || length > capacity()) {
      throw new IllegalArgumentException("a slot holds 0 to " + capacity() + " bytes, got " + length);
    }
    long slot = slotOffset(head);
    if (layout.nextOffsetOffset() >= 0) {
      ring.set(ValueLayout.JAVA_INT, slot + layout.nextOffsetOffset(), 0);
    }
    ring.set(ValueLayout.JAVA_INT, slot + layout.lenOffset(), length);
    ring.set(ValueLayout.JAVA_INT, slot + layout.snaplenOffset(), length);
    INT.setRelease(ring, slot + layout.statusOffset(), TP_STATUS_SEND_REQUEST);
    head = head + 1 == frameCount ? 0 : head + 1;
    pending++;
  }

  /** Frames committed since the last {@link #kicked()}. */
  public int pending() {
    return pending;
  }

  /** The kernel was asked to send everything committed so far. */
  public void kicked() {
    pending = 0;
  }

  /**
   * Takes back every slot still waiting to be sent ({@code TP_STATUS_SEND_REQUEST}), for when the
   * kernel refused the kick for good (the interface went down or away). Call only between kicks:
   * the kernel reads the ring only inside {@code sendto}.
   *
   * @return how many frames were taken back, and their bytes
   */
  public ReclaimedFrames reclaimUnsent() {
    int frames = 0;
    long bytes = 0;
    for (int i = 0; i < frameCount; i++) {
      long slot = slotOffset(i);
      if ((int) INT.getAcquire(ring, slot + layout.statusOffset()) == TP_STATUS_SEND_REQUEST) {
        bytes += Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, slot + layout.lenOffset()));
        INT.setRelease(ring, slot + layout.statusOffset(), TP_STATUS_AVAILABLE);
        frames++;
      }
    }
    pending = 0;
    return new ReclaimedFrames(frames, bytes);
  }

  /** What {@link #reclaimUnsent()} took back. */
  public record ReclaimedFrames(int frames, long bytes) {}

  /** Slots the kernel refused ({@code TP_STATUS_WRONG_FORMAT}) and that were taken back. */
  public long rejected() {
    return rejected;
  }

  private long slotOffset(int index) {
    return (long) (index / framesPerBlock) * blockSize + (long) (index % framesPerBlock) * frameSize;
  }
}
