package io.morgana.xen.sim;

import io.morgana.runtime.EventLoop;
import io.morgana.xen.platform.Pages;
import io.morgana.xen.platform.PrimaryConsole;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.store.XenStore;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * One domain of a {@link SimHypervisor}, seen from inside: the {@link XenPlatform} that a
 * frontend or backend running in this domain uses.
 */
public final class SimDomain implements XenPlatform {

  private final SimHypervisor hypervisor;
  private final int domid;
  private final EventLoop loop;
  private final SimGrantTable grants;
  private final SimEventChannels events;
  private volatile PrimaryConsole primaryConsole;
  private XenStore store;
  private volatile boolean closed;

  SimDomain(SimHypervisor hypervisor, int domid, EventLoop loop, IntConsumer externalDeliveries) {
    this.hypervisor = hypervisor;
    this.domid = domid;
    this.loop = loop;
    long tableFrame = hypervisor.memory().allocate(domid, SimHypervisor.GRANT_TABLE_FRAMES);
    this.grants = new SimGrantTable(this, tableFrame, SimHypervisor.GRANT_TABLE_FRAMES);
    this.events = new SimEventChannels(this, loop, externalDeliveries);
  }

  SimHypervisor hypervisor() {
    return hypervisor;
  }

  @Override
  public int domid() {
    return domid;
  }

  /**
   * {@inheritDoc}
   *
   * @throws UnsupportedOperationException for an external domain, which has no loop here
   */
  @Override
  public EventLoop loop() {
    if (loop == null) {
      throw new UnsupportedOperationException("domain " + domid + " lives outside this JVM");
    }
    return loop;
  }

  @Override
  public Pages allocatePages(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    checkOpen();
    SimMemory memory = hypervisor.memory();
    long first = memory.allocate(domid, count);
    return new SimPages(this, first, count, memory.frames(first, count));
  }

  void freeFrames(long first, int count) {
    hypervisor.memory().free(domid, first, count);
  }

  @Override
  public SimGrantTable grants() {
    return grants;
  }

  @Override
  public SimEventChannels events() {
    return events;
  }

  @Override
  public synchronized XenStore store() {
    checkOpen();
    if (store == null) {
      XenStoreConnector connector = hypervisor.storeConnector();
      if (connector == null) {
        throw new UnsupportedOperationException(
            "no XenStore plugged into this SimHypervisor (SimHypervisor.plugStore)");
      }
      store = connector.connect(this);
    }
    return store;
  }

  @Override
  public Optional<PrimaryConsole> primaryConsole() {
    return Optional.ofNullable(primaryConsole);
  }

  void setPrimaryConsole(PrimaryConsole console) {
    this.primaryConsole = console;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("domain " + domid + " is closed");
    }
  }

  /**
   * Closes the domain's XenStore connection (if it was opened) and its event channels, and
   * removes it from the hypervisor. Its pages and grant table frames stay allocated in the
   * machine memory (another domain may still map them). Idempotent.
   */
  @Override
  public void close() {
    XenStore s;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      s = store;
    }
    if (s != null) {
      s.close();
    }
    events.closeAll();
    hypervisor.removed(this);
  }

  @Override
  public String toString() {
    return "SimDomain[" + domid + "]";
  }
}
