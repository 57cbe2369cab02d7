package io.morgana.xen.sim;

import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Pollable;
import io.morgana.xen.evtchn.EventChannelException;
import io.morgana.xen.evtchn.EventChannels;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntConsumer;

/**
 * The event channels of one {@link SimDomain}: ports with Xen's states (free, unbound for a
 * remote domain, interdomain), a pending bit and a mask bit each. A notification sets the remote
 * port's pending bit; if it was clear and the port is unmasked, the port is queued for delivery
 * and the remote domain's loop is woken. On the loop, delivery clears the pending bit and calls
 * the port's handler — so several notifications before a delivery coalesce into one.
 *
 * <p>All port state is guarded by the hypervisor's event lock; handlers are called without it.
 */
public final class SimEventChannels implements EventChannels {

  private enum State {
    FREE,
    UNBOUND,
    INTERDOMAIN
  }

  private static final class Port {
    State state = State.FREE;
    int remoteDomid;
    int remotePort;
    boolean pending;
    boolean masked;
    boolean queued;
    volatile IntConsumer handler;
    long sent;
    long delivered;
  }

  private final SimDomain domain;
  private final Object lock;
  private final EventLoop loop;
  private final IntConsumer external;
  private final List<Port> ports = new ArrayList<>();
  private final Queue<Integer> ready = new ConcurrentLinkedQueue<>();
  private final EventLoop.Cancellable registration;

  SimEventChannels(SimDomain domain, EventLoop loop, IntConsumer external) {
    this.domain = domain;
    this.lock = domain.hypervisor().eventLock;
    this.loop = loop;
    this.external = external;
    ports.add(null); // port 0 is never allocated (Xen reserves it)
    this.registration = loop == null ? () -> {} : loop.register(new Delivery());
  }

  @Override
  public int allocUnbound(int remoteDomid) {
    synchronized (lock) {
      int port = newPort();
      Port p = ports.get(port);
      p.state = State.UNBOUND;
      p.remoteDomid = remoteDomid;
      return port;
    }
  }

  @Override
  public int bindInterdomain(int remoteDomid, int remotePort) {
    SimDomain remote = domain.hypervisor().domain(remoteDomid);
    if (remote == null) {
      throw new EventChannelException("no domain " + remoteDomid);
    }
    int port;
    synchronized (lock) {
      Port rp = remote.events().portOrNull(remotePort);
      if (rp == null || rp.state != State.UNBOUND || rp.remoteDomid != domain.domid()) {
        throw new EventChannelException(
            "port " + remotePort + " of domain " + remoteDomid + " is not unbound for domain " + domain.domid());
      }
      port = newPort();
      Port p = ports.get(port);
      p.state = State.INTERDOMAIN;
      p.remoteDomid = remoteDomid;
      p.remotePort = remotePort;
      rp.state = State.INTERDOMAIN;
      rp.remotePort = port;
      // Xen's evtchn_bind_interdomain: "We may have lost notifications on the remote unbound
      // port. Fix that up here by conservatively always setting a notification on the local port."
    }
    raise(port);
    return port;
  }

  @Override
  public void notify(int port) {
    SimEventChannels target;
    int targetPort;
    synchronized (lock) {
      Port p = port(port);
      if (p.state != State.INTERDOMAIN) {
        return;
      }
      p.sent++;
      SimDomain remote = domain.hypervisor().domain(p.remoteDomid);
      if (remote == null) {
        return;
      }
      target = remote.events();
      targetPort = p.remotePort;
    }
    target.raise(targetPort);
  }

  /** Sets {@code port} pending and delivers or queues it. */
  private void raise(int port) {
    boolean deliverNow = false;
    synchronized (lock) {
      Port p = portOrNull(port);
      if (p == null || p.state == State.FREE) {
        return;
      }
      if (p.pending) {
        return; // coalesced
      }
      p.pending = true;
      if (p.masked) {
        return;
      }
      if (external != null) {
        p.pending = false;
        p.delivered++;
        deliverNow = true;
      } else if (!p.queued) {
        p.queued = true;
        ready.add(port);
      }
    }
    if (deliverNow) {
      external.accept(port);
    } else {
      loop.wakeup();
    }
  }

  @Override
  public void mask(int port) {
    synchronized (lock) {
      port(port).masked = true;
    }
  }

  @Override
  public void unmask(int port) {
    synchronized (lock) {
      Port p = port(port);
      p.masked = false;
      if (!p.pending) {
        return;
      }
      p.pending = false; // raise() sets it again and delivers
    }
    raise(port);
  }

  @Override
  public void setHandler(int port, IntConsumer handler) {
    boolean requeue;
    synchronized (lock) {
      Port p = port(port);
      p.handler = handler;
      requeue = handler != null && p.pending && !p.masked;
      if (requeue) {
        p.pending = false;
      }
    }
    if (requeue) {
      raise(port);
    }
  }

  @Override
  public void close(int port) {
    synchronized (lock) {
      Port p = port(port);
      if (p.state == State.INTERDOMAIN) {
        SimDomain remote = domain.hypervisor().domain(p.remoteDomid);
        Port rp = remote == null ? null : remote.events().portOrNull(p.remotePort);
        if (rp != null && rp.state == State.INTERDOMAIN) {
          rp.state = State.UNBOUND;
          rp.remoteDomid = domain.domid();
        }
      }
      ports.set(port, new Port());
    }
  }

  void closeAll() {
    synchronized (lock) {
      for (int port = 1; port < ports.size(); port++) {
        if (ports.get(port).state != State.FREE) {
          close(port);
        }
      }
    }
    registration.cancel();
  }

  /** Whether {@code port} is pending (set and not yet delivered). */
  public boolean pending(int port) {
    synchronized (lock) {
      return port(port).pending;
    }
  }

  /** How many notifications were sent through {@code port}. */
  public long sentCount(int port) {
    synchronized (lock) {
      return port(port).sent;
    }
  }

  /** How many deliveries {@code port} had (each may stand for several coalesced notifications). */
  public long deliveredCount(int port) {
    synchronized (lock) {
      return port(port).delivered;
    }
  }

  /** The remote port of an interdomain {@code port}. */
  public int remotePort(int port) {
    synchronized (lock) {
      Port p = port(port);
      if (p.state != State.INTERDOMAIN) {
        throw new EventChannelException("port " + port + " of domain " + domain.domid() + " is not bound");
      }
      return p.remotePort;
    }
  }

  private int newPort() {
    for (int i = 1; i < ports.size(); i++) {
      if (ports.get(i).state == State.FREE) {
        return i;
      }
    }
    if (ports.size() >= 4096) {
      throw new EventChannelException("domain " + domain.domid() + " has no free event channel");
    }
    ports.add(new Port());
    return ports.size() - 1;
  }

  private Port portOrNull(int port) {
    if (port <= 0 || port >= ports.size()) {
      return null;
    }
    return ports.get(port);
  }

  private Port port(int port) {
    Port p = portOrNull(port);
    if (p == null || p.state == State.FREE) {
      throw new EventChannelException("port " + port + " of domain " + domain.domid() + " is not allocated");
    }
    return p;
  }

  /** Delivers queued ports on the domain's loop. */
  private final class Delivery implements Pollable {
    @Override
    public boolean poll(long nowNanos) {
      boolean worked = false;
      Integer queued;
      while ((queued = ready.poll()) != null) {
        int port = queued;
        IntConsumer handler;
        synchronized (lock) {
          Port p = portOrNull(port);
          if (p == null) {
            continue;
          }
          p.queued = false;
          handler = p.handler;
          if (!p.pending || p.masked || handler == null) {
            continue;
          }
          p.pending = false;
          p.delivered++;
        }
        handler.accept(port);
        worked = true;
      }
      return worked;
    }

    @Override
    public long nextDeadlineNanos() {
      return NO_DEADLINE;
    }
  }
}
