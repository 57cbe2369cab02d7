package io.morgana.xen.sim;

import io.morgana.runtime.EventLoop;
import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.platform.Pages;
import io.morgana.xen.platform.PrimaryConsole;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * A Xen hypervisor simulated in one JVM: machine memory ({@link SimMemory}), domains, one grant
 * table per domain and the event channels between them, plus the toolstack's share of the work
 * (the primary console). Each domain is a {@link SimDomain}, a full {@link
 * io.morgana.xen.platform.XenPlatform}, whose event handlers run on its own {@link EventLoop}.
 *
 * <p>Xen's rules are enforced: a domain maps or copies only pages granted to it, never writes
 * through a read-only grant, cannot revoke a grant while the peer maps it, binds only ports left
 * unbound for it; event channels coalesce, keep a pending bit while masked and start pending
 * when bound ({@code evtchn_bind_interdomain} in Xen's {@code event_channel.c}).
 *
 * <p>XenStore is pluggable ({@link #plugStore}): the server lives in {@code io.morgana.xen.store}.
 *
 * <p>Threads: any.
 */
public final class SimHypervisor {

  /** Grant table frames given to each domain (512 entries each). */
  static final int GRANT_TABLE_FRAMES = 4;

  private final SimMemory memory;
  private final Map<Integer, SimDomain> domains = new ConcurrentHashMap<>();
  final Object eventLock = new Object();
  private volatile XenStoreConnector store;

  /** A hypervisor with 16 MiB of native machine memory. */
  public SimHypervisor() {
    this(SimMemory.allocate(4096));
  }

  /** A hypervisor over {@code memory}. */
  public SimHypervisor(SimMemory memory) {
    this.memory = Objects.requireNonNull(memory);
  }

  /** The machine memory. */
  public SimMemory memory() {
    return memory;
  }

  /** Plugs in the XenStore that every domain's {@link SimDomain#store()} connects to. */
  public void plugStore(XenStoreConnector connector) {
    this.store = Objects.requireNonNull(connector);
  }

  XenStoreConnector storeConnector() {
    return store;
  }

  /**
   * Creates domain {@code domid}, whose event handlers run on {@code loop}.
   *
   * @throws IllegalArgumentException if {@code domid} exists or is not in 0..0x7fef
   */
  public synchronized SimDomain createDomain(int domid, EventLoop loop) {
    checkNewDomid(domid);
    return add(new SimDomain(this, domid, Objects.requireNonNull(loop), null));
  }

  /**
   * Creates domain {@code domid} living outside this JVM (the C conformance backend): it has a
   * grant table and event channels like any domain, but each event delivered to one of its ports
   * calls {@code deliveries} with the port number, on the notifying thread, instead of running a
   * handler on a loop. Whoever speaks for the outside domain calls its {@link
   * SimDomain#events()} to bind and notify.
   */
  public synchronized SimDomain createExternalDomain(int domid, IntConsumer deliveries) {
    checkNewDomid(domid);
    return add(new SimDomain(this, domid, null, Objects.requireNonNull(deliveries)));
  }

  private void checkNewDomid(int domid) {
    if (domid < 0 || domid >= GrantEntryV1.DOMID_SELF) {
      throw new IllegalArgumentException("domid out of range: " + domid);
    }
    if (domains.containsKey(domid)) {
      throw new IllegalArgumentException("domain " + domid + " exists");
    }
  }

  private SimDomain add(SimDomain domain) {
    domains.put(domain.domid(), domain);
    return domain;
  }

  /** Domain {@code domid}, or {@code null}. */
  public SimDomain domain(int domid) {
    return domains.get(domid);
  }

  SimDomain requireDomain(int domid) {
    SimDomain d = domains.get(domid);
    if (d == null) {
      throw new IllegalArgumentException("no domain " + domid);
    }
    return d;
  }

  void removed(SimDomain domain) {
    domains.remove(domain.domid(), domain);
  }

  /**
   * Does what the toolstack does for a guest's primary console: allocates a page in {@code
   * guest}, grants it writable to {@code backend} in the reserved entry {@code
   * GNTTAB_RESERVED_CONSOLE} (0), allocates an unbound event channel in {@code guest} for {@code
   * backend}, and hands both to the guest as its {@link SimDomain#primaryConsole()} (the
   * {@code start_info.console.domU} of a PV guest). The backend then maps grant 0 of the guest
   * and binds to the port, as {@code xenconsoled} does.
   *
   * @return the guest's console, whose {@link PrimaryConsole#port()} the backend binds to
   */
  public PrimaryConsole createPrimaryConsole(SimDomain guest, SimDomain backend) {
    Pages page = guest.allocatePages(1);
    guest.grants().grantReserved(GrantEntryV1.RESERVED_CONSOLE, backend.domid(), page.frame(0), false);
    int port = guest.events().allocUnbound(backend.domid());
    PrimaryConsole console = new PrimaryConsole(page.page(0), port, backend.domid());
    guest.setPrimaryConsole(console);
    return console;
  }
}
