package io.morgana.xen.sim;

import io.morgana.xen.platform.Pages;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Pages of a {@link SimDomain}: contiguous frames of the {@link SimMemory}. */
final class SimPages implements Pages {

  private final SimDomain domain;
  private final long firstFrame;
  private final int count;
  private final MemorySegment segment;
  private boolean closed;

  SimPages(SimDomain domain, long firstFrame, int count, MemorySegment segment) {
    this.domain = domain;
    this.firstFrame = firstFrame;
    this.count = count;
    this.segment = segment;
  }

  @Override
  public MemorySegment segment() {
    return segment;
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public MemorySegment page(int index) {
    Objects.checkIndex(index, count);
    return segment.asSlice((long) index * PAGE_SIZE, PAGE_SIZE);
  }

  @Override
  public long frame(int index) {
    Objects.checkIndex(index, count);
    return firstFrame + index;
  }

  SimDomain domain() {
    return domain;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    domain.grants().checkNoGrantOn(firstFrame, count);
    domain.freeFrames(firstFrame, count);
    closed = true;
  }
}
