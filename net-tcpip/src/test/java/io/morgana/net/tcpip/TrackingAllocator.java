package io.morgana.net.tcpip;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** An allocator that remembers every buffer it made, so a test can assert none is left unreleased. */
final class TrackingAllocator extends AbstractByteBufAllocator {

  private final List<ByteBuf> made = new ArrayList<>();

  TrackingAllocator() {
    super(true);
  }

  @Override
  protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
    made.add(b);
    return b;
  }

  @Override
  protected synchronized ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
    made.add(b);
    return b;
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  /** Buffers made and not yet released to zero. */
  synchronized long outstanding() {
    return made.stream().filter(b -> b.refCnt() > 0).count();
  }

  synchronized long allocated() {
    return made.size();
  }
}
