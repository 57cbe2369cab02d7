package io.morgana.xen.platform;

import io.morgana.runtime.EventLoop;
import io.morgana.xen.evtchn.EventChannels;
import io.morgana.xen.grant.GrantTable;
import io.morgana.xen.store.XenStore;
import java.util.Optional;

/**
 * What a Xen driver needs from the domain it runs in, in one bundle: its domid, memory it can
 * share, the grant table, event channels and XenStore. Two implementations: {@code
 * io.morgana.xen.sim.SimDomain} (a domain of the simulated hypervisor, for tests and in-JVM
 * backends) and the Linux guest platform over {@code /dev/xen/*} ({@code io.morgana.xen.linux}).
 *
 * <p>Threads: every method from any thread. Event handlers and XenStore watch callbacks run on
 * {@link #loop()}.
 */
public interface XenPlatform extends AutoCloseable {

  /** This domain's id ({@code domid_t}, 0..0x7fef). */
  int domid();

  /** The kernel loop on which event channel handlers and watch callbacks of this platform run. */
  EventLoop loop();

  /**
   * Allocates {@code count} zero-filled pages, contiguous in this domain's address space (a
   * multi-page ring needs that).
   *
   * @throws IllegalArgumentException if {@code count < 1}
   * @throws OutOfMemoryError if the domain has no such run of free pages left
   */
  Pages allocatePages(int count);

  /** This domain's grant table, and access to grants that other domains made to it. */
  GrantTable grants();

  /** This domain's event channels. */
  EventChannels events();

  /**
   * This domain's XenStore connection.
   *
   * @throws UnsupportedOperationException if the platform was built without a XenStore
   */
  XenStore store();

  /** The primary console set up by the toolstack, if this platform can reach it. */
  Optional<PrimaryConsole> primaryConsole();

  /**
   * Releases the platform: closes its event channels (and, on Linux, its device files). Pages
   * and grants are released by whoever holds them. Idempotent.
   */
  @Override
  void close();
}
