package io.morgana.xen.grant;

import io.morgana.xen.platform.Pages;

/**
 * Pages allocated and granted together to one remote domain — the model of Linux's {@code
 * /dev/xen/gntalloc} ({@code IOCTL_GNTALLOC_ALLOC_GREF}), which the simulated platform also
 * offers. {@link #close()} ends every grant and frees the pages; it fails while the peer still
 * has one mapped.
 */
public interface SharedPages extends AutoCloseable {

  /** The pages (zero-filled when shared). */
  Pages pages();

  /** The grant reference of page {@code index}. */
  int ref(int index);

  /** The domain the pages are granted to. */
  int remoteDomid();

  /**
   * Ends the grants and frees the pages.
   *
   * @throws GrantException with {@link GrantEntryV1#GNTST_EAGAIN} while the peer still maps a
   *     page; nothing is freed then, try again after the peer unmapped
   */
  @Override
  void close();
}
