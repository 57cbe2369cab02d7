package io.morgana.benchmarks.net;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * A {@link Netif} a benchmark pushes frames into the way {@code TapNetif} delivers them — copied
 * from the device's buffer into a pooled direct {@link ByteBuf}, handed to the handler, released
 * after it returns — and whose writes are counted and released (the device side of a send).
 */
final class FrameInjector implements Netif {

  private final MacAddress mac;
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private FrameHandler handler;
  long rxFrames;
  long txFrames;
  long txBytes;

  FrameInjector(MacAddress mac) {
    this.mac = mac;
  }

  /** Delivers a copy of {@code device}'s readable bytes as one received frame. */
  void inject(ByteBuf device) {
    int length = device.readableBytes();
    ByteBuf frame = alloc.directBuffer(length, length);
    try {
      frame.writeBytes(device, device.readerIndex(), length);
      rxFrames++;
      handler.onFrame(frame);
    } finally {
      frame.release();
    }
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
    txFrames++;
    txBytes += frame.readableBytes();
    frame.release();
    return true;
  }

  @Override
  public void close() {}
}
