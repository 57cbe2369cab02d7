package io.morgana.xen.linux;

import io.morgana.xen.platform.Pages;
import java.lang.foreign.MemorySegment;

/** Pages mapped from {@code /dev/xen/gntalloc}; their frame numbers are the kernel's business. */
final class LinuxPages implements Pages {

  private final MemorySegment segment;
  private final int count;
  private final Runnable release;
  private boolean closed;

  LinuxPages(MemorySegment segment, int count, Runnable release) {
    this.segment = segment;
    this.count = count;
    this.release = release;
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
    return segment.asSlice((long) index * PAGE_SIZE, PAGE_SIZE);
  }

  @Override
  public long frame(int index) {
    throw new UnsupportedOperationException(
        "a Linux guest's user space does not see frame numbers; gntalloc grants the pages itself");
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      release.run();
    }
  }
}
