package io.morgana.testkit;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it made, so that a test can assert that none is left
 * unreleased: give it to a stack in place of the pooled allocator, and check {@link
 * #outstanding()} after the stack closed. Buffers are unpooled, since a released pooled buffer can
 * come back alive as another one and look unreleased. Any thread.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

  private final List<ByteBuf> made = new ArrayList<>();

  /** Direct buffers by default, as a stack's pooled allocator gives. */
  public TrackingAllocator() {
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

  /** Buffers made and not yet released to a reference count of zero. */
  public synchronized long outstanding() {
    return made.stream().filter(b -> b.refCnt() > 0).count();
  }

  /** Buffers made in all. */
  public synchronized long allocated() {
    return made.size();
  }
}
