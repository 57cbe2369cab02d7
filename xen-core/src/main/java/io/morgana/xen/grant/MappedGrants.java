package io.morgana.xen.grant;

import java.lang.foreign.MemorySegment;

/**
 * Pages that another domain granted to us, mapped contiguously into our address space
 * ({@code GNTTABOP_map_grant_ref}; {@code IOCTL_GNTDEV_MAP_GRANT_REF} + {@code mmap} on Linux).
 * While mapped, the granting domain sees {@code GTF_reading} (and {@code GTF_writing} for a
 * writable mapping) in its entries and cannot revoke them.
 *
 * <p>Threads: any. Closing twice does nothing.
 */
public interface MappedGrants extends AutoCloseable {

  /**
   * The mapped pages, {@code 4096 * refs} bytes. A read-only mapping returns a read-only segment:
   * a write through it throws {@link IllegalArgumentException} ("read-only segment").
   */
  MemorySegment segment();

  /** The domain that granted the pages. */
  int domid();

  /** How many pages are mapped. */
  int count();

  /** Unmaps ({@code GNTTABOP_unmap_grant_ref}): the grantor may then end access. Idempotent. */
  @Override
  void close();
}
