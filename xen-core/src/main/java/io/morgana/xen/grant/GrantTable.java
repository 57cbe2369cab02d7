package io.morgana.xen.grant;

import io.morgana.xen.platform.Pages;
import java.lang.foreign.MemorySegment;

/**
 * A domain's side of Xen grant tables ({@code /usr/include/xen/grant_table.h}, version 1
 * entries): granting other domains access to our pages, ending that access, and — for backends —
 * mapping or copying pages that another domain granted to us.
 *
 * <p>Granting follows the header's protocol: {@code domid} and {@code frame} are written, then a
 * write barrier, then {@code flags = GTF_permit_access [| GTF_readonly]}. Ending access
 * compare-and-swaps the flags to 0 only when neither {@code GTF_reading} nor {@code GTF_writing}
 * is set: a grant the peer still maps is never revoked.
 *
 * <p>Threads: every method from any thread.
 */
public interface GrantTable {

  /**
   * Grants {@code domid} access to page {@code index} of {@code pages}.
   *
   * @param readOnly sets {@code GTF_readonly}: the peer may map or copy from the page, never
   *     write it
   * @return the grant reference ({@code grant_ref_t}) to publish to the peer
   * @throws GrantException with {@link GrantEntryV1#GNTST_NO_SPACE} when the table is full
   * @throws UnsupportedOperationException on a platform that only grants through {@link
   *     #share(int, int, boolean)} (Linux gntalloc)
   */
  int grantAccess(int domid, Pages pages, int index, boolean readOnly);

  /**
   * Ends the grant {@code ref} and frees the entry for reuse, unless it is in use.
   *
   * @return {@code true} if access ended; {@code false} if the peer still has the page mapped
   *     (or is copying it): the grant stays valid and the caller must try again later (Linux's
   *     {@code gnttab_end_foreign_access_ref} returning 0)
   * @throws GrantException with {@link GrantEntryV1#GNTST_BAD_GNTREF} if {@code ref} is not an
   *     active grant of ours
   */
  boolean endAccess(int ref);

  /** Whether the peer currently maps or copies the page behind our grant {@code ref}. */
  boolean inUse(int ref);

  /**
   * Allocates {@code count} zero-filled contiguous pages and grants each to {@code domid}. This
   * is the one way to share memory on every platform.
   */
  SharedPages share(int domid, int count, boolean readOnly);

  /**
   * Maps pages that {@code domid} granted to us, contiguously, in the order of {@code refs}.
   *
   * @param readOnly maps read-only ({@code GNTMAP_readonly}); a writable mapping of a grant with
   *     {@code GTF_readonly} is refused
   * @throws GrantException {@link GrantEntryV1#GNTST_BAD_GNTREF} for a ref outside the table or
   *     not granted, {@link GrantEntryV1#GNTST_PERMISSION_DENIED} for a grant to another domain
   *     or a write mapping of a read-only grant
   */
  MappedGrants map(int domid, int[] refs, boolean readOnly);

  /** {@link #map(int, int[], boolean)} of one page. */
  default MappedGrants map(int domid, int ref, boolean readOnly) {
    return map(domid, new int[] {ref}, readOnly);
  }

  /**
   * Copies {@code source} into the page {@code domid} granted to us as {@code ref}, at {@code
   * offset} ({@code GNTTABOP_copy} with {@code GNTCOPY_dest_gref}).
   *
   * @throws GrantException {@link GrantEntryV1#GNTST_BAD_COPY_ARG} if {@code offset +
   *     source.byteSize()} passes the end of the page; {@link
   *     GrantEntryV1#GNTST_PERMISSION_DENIED} if the grant is read-only or not ours
   */
  void copyTo(int domid, int ref, int offset, MemorySegment source);

  /**
   * Copies {@code destination.byteSize()} bytes from the page {@code domid} granted to us as
   * {@code ref}, starting at {@code offset} ({@code GNTTABOP_copy} with {@code
   * GNTCOPY_source_gref}).
   */
  void copyFrom(int domid, int ref, int offset, MemorySegment destination);
}
