package io.morgana.benchmarks.net;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link Netif} a benchmark pushes frames into the way {@code TapNetif} delivers them: the frame
 * lands in a pooled direct {@link ByteBuf} (where {@code TapNetif}'s {@code read} puts it; here a
 * copy through a {@code MemorySegment} view stands for the read), the buffer is handed to the
 * handler and reused for the next frame unless the handler retained it. Writes are counted and released (the device
 * side of a send; {@code TapNetif} copies them into its transmit buffer, as done here too).
 */
final class FrameInjector implements Netif {

  private final MacAddress mac;
  private ByteBuf rx;
  private ByteBuffer rxView;
  private final MemorySegment tx = Arena.ofAuto().allocate(MAX_FRAME, 64);
  private static final ValueLayout.OfLong LONG_BIG_ENDIAN =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private FrameHandler handler;
  /** The arrival time frames are delivered with (the benchmark loop's clock). */
  long arrivalNanos = 1_000_000_000L;
  long rxFrames;
  long txFrames;
  long txBytes;

  FrameInjector(MacAddress mac) {
    this.mac = mac;
    newBuffer();
  }

  /** Delivers a copy of {@code device}'s readable bytes as one received frame. */
  void inject(ByteBuf device) {
    int length = device.readableBytes();
    ByteBuf frame = rx;
    rxView.clear();
    rxView.put(device.internalNioBuffer(device.readerIndex(), length)); // the "read"
    frame.setIndex(0, length);
    rxFrames++;
    handler.onFrame(frame, arrivalNanos, 0);
    if (frame.refCnt() != 1) {
      if (frame.refCnt() > 0) {
        frame.release();
      }
      newBuffer();
    }
  }

  private static final int MAX_FRAME = 65_535 + 14;

  private void newBuffer() {
    rx = PooledByteBufAllocator.DEFAULT.directBuffer(MAX_FRAME, MAX_FRAME);
    rxView = MemorySegment.ofBuffer(rx.nioBuffer(0, MAX_FRAME)).asByteBuffer();
  }

  @Override
  public MacAddress mac() {
    return mac;
  }

  @Override
  public int mtu() {
    return 1500;
  }

  @Override
  public Offloads offloads() {
    return Offloads.NONE;
  }

  @Override
  public NetifStats stats() {
    return new NetifStats(rxFrames, 0, 0, txFrames, txBytes, 0);
  }

  @Override
  public void listen(FrameHandler handler) {
    this.handler = handler;
  }

  @Override
  public boolean write(ByteBuf frame) {
    int length = frame.readableBytes();
    int from = frame.readerIndex();
    int i = 0;
    for (; i + 8 <= length; i += 8) { // TapNetif's copy into its transmit buffer
      tx.set(LONG_BIG_ENDIAN, i, frame.getLong(from + i));
    }
    for (; i < length; i++) {
      tx.set(ValueLayout.JAVA_BYTE, i, frame.getByte(from + i));
    }
    txFrames++;
    txBytes += frame.readableBytes();
    frame.release();
    return true;
  }

  @Override
  public void close() {}
}
