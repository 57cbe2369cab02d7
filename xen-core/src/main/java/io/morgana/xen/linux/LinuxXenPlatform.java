package io.morgana.xen.linux;

import io.morgana.runtime.EventLoop;
import io.morgana.xen.evtchn.EventChannels;
import io.morgana.xen.grant.GrantTable;
import io.morgana.xen.platform.Pages;
import io.morgana.xen.platform.PrimaryConsole;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@link XenPlatform} of a JVM in a Linux Xen guest: XenStore over {@code /dev/xen/xenbus},
 * event channels over {@code /dev/xen/evtchn}, shared pages over {@code /dev/xen/gntalloc}. The
 * domid is read from XenStore's relative key {@code domid} once at boot; afterwards XenStore is
 * the asynchronous {@link XenStoreClient} on the kernel loop. The primary console belongs to the
 * guest kernel's hvc driver, so none is offered; pages are allocated only by sharing them ({@link
 * GrantTable#share}).
 */
public final class LinuxXenPlatform implements XenPlatform {

  private final EventLoop loop;
  private final XenStoreClient store;
  private final LinuxEventChannels events;
  private final LinuxGrantTable grants;
  private final int domid;

  private LinuxXenPlatform(
      EventLoop loop, XenStoreClient store, LinuxEventChannels events, LinuxGrantTable grants, int domid) {
    this.loop = loop;
    this.store = store;
    this.events = events;
    this.grants = grants;
    this.domid = domid;
  }

  /**
   * Opens the three devices.
   *
   * @throws XenUnavailableException with one message saying what is missing when this is not a
   *     Xen guest or the devices cannot be opened
   */
  public static LinuxXenPlatform open(EventLoop loop, Duration timeout) {
    return open(loop, timeout, Path.of("/dev/xen"));
  }

  static LinuxXenPlatform open(EventLoop loop, Duration timeout, Path devDir) {
    Path xenbus = devDir.resolve("xenbus");
    if (!Files.exists(xenbus)) {
      throw new XenUnavailableException("not a Xen guest: " + xenbus + " does not exist (Morgana's Linux Xen"
          + " platform needs a Linux domU with the xenfs, xen-evtchn and xen-gntalloc drivers loaded, and root)");
    }
    XenStoreClient store = null;
    LinuxEventChannels events = null;
    LinuxGrantTable grants = null;
    try {
      LinuxXenbusTransport transport = LinuxXenbusTransport.open(xenbus);
      int domid;
      try {
        // Read once at boot, before the asynchronous client owns the stream.
        domid = Integer.parseInt(transport.readBeforeStart("domid").strip());
      } catch (RuntimeException e) {
        transport.close();
        throw e;
      }
      store = new XenStoreClient(transport, loop, timeout);
      events = LinuxEventChannels.open(loop);
      grants = LinuxGrantTable.open();
      return new LinuxXenPlatform(loop, store, events, grants, domid);
    } catch (IOException | RuntimeException e) {
      if (grants != null) {
        grants.close();
      }
      if (events != null) {
        events.close();
      }
      if (store != null) {
        store.close();
      }
      throw new XenUnavailableException("cannot open the Xen devices under " + devDir + ": " + e.getMessage()
          + " (need root, and the xen-evtchn and xen-gntalloc drivers)", e);
    }
  }

  @Override
  public int domid() {
    return domid;
  }

  @Override
  public EventLoop loop() {
    return loop;
  }

  @Override
  public Pages allocatePages(int count) {
    throw new UnsupportedOperationException(
        "a Linux guest gets shareable pages from gntalloc only: use grants().share(domid, count, readOnly)");
  }

  @Override
  public GrantTable grants() {
    return grants;
  }

  @Override
  public EventChannels events() {
    return events;
  }

  @Override
  public XenStore store() {
    return store;
  }

  @Override
  public Optional<PrimaryConsole> primaryConsole() {
    return Optional.empty();
  }

  @Override
  public void close() {
    store.close();
    events.close();
    grants.close();
  }
}
