package io.morgana.xen.platform;

import java.lang.foreign.MemorySegment;

/**
 * Pages of a domain's own memory, contiguous in its address space, that it may grant to another
 * domain: ring pages, data buffers. Allocated through {@link XenPlatform#allocatePages(int)},
 * zero-filled. Every Xen page is {@value #PAGE_SIZE} bytes ({@code XEN_PAGE_SHIFT 12} in
 * {@code io/ring.h}) whatever the guest's own page size.
 *
 * <p>Threads: any. Closing pages that are still granted is the caller's bug; the simulated
 * platform refuses it.
 */
public interface Pages extends AutoCloseable {

  /** Bytes in a Xen page. */
  int PAGE_SIZE = 4096;

  /** All the pages, {@code count() * PAGE_SIZE} bytes, in order. */
  MemorySegment segment();

  /** How many pages. */
  int count();

  /** Page {@code index} (0-based), {@link #PAGE_SIZE} bytes. */
  MemorySegment page(int index);

  /**
   * The guest frame number of page {@code index}: what a grant entry's {@code frame} field holds.
   */
  long frame(int index);

  /** Gives the pages back to the domain. Idempotent. */
  @Override
  void close();
}
