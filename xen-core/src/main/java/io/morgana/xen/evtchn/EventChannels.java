package io.morgana.xen.evtchn;

import java.util.function.IntConsumer;

/**
 * A domain's event channels ({@code /usr/include/xen/event_channel.h}; {@code /dev/xen/evtchn}
 * on Linux): each port is a pending bit and a mask bit. A frontend allocates an unbound port that
 * its backend's domain may bind ({@code EVTCHNOP_alloc_unbound}), publishes the number in
 * XenStore, and the backend binds to it ({@code EVTCHNOP_bind_interdomain}). Then either side
 * {@link #notify}s the other.
 *
 * <p>Notifications coalesce and may be spurious: a handler always re-checks its ring (and runs the
 * ring's final check) rather than counting events. A port's handler runs on the platform's kernel
 * loop, once per delivery: delivery clears the pending bit, then calls the handler. A masked port
 * keeps its pending bit and is delivered on {@link #unmask}.
 *
 * <p>Threads: every method from any thread; handlers on the kernel loop.
 */
public interface EventChannels {

  /**
   * Allocates a port that {@code remoteDomid} may bind to ({@code EVTCHNOP_alloc_unbound}).
   *
   * @return the new local port
   */
  int allocUnbound(int remoteDomid);

  /**
   * Binds a new local port to {@code remotePort} of {@code remoteDomid}, which must be unbound
   * and allocated for us ({@code EVTCHNOP_bind_interdomain}). If the peer notified before the
   * bind, the new port starts pending.
   *
   * @return the new local port
   * @throws EventChannelException if {@code remotePort} is not unbound for this domain
   */
  int bindInterdomain(int remoteDomid, int remotePort);

  /**
   * Sends an event to the remote end of {@code port} ({@code EVTCHNOP_send}). Notifying an
   * unbound port does nothing, as in Xen.
   *
   * @throws EventChannelException if {@code port} is not allocated
   */
  void notify(int port);

  /** Sets the mask bit: events stay pending and are not delivered. */
  void mask(int port);

  /** Clears the mask bit; a pending event is then delivered. */
  void unmask(int port);

  /**
   * Sets the handler of {@code port}, called on the kernel loop with the port number at each
   * delivery; {@code null} removes it (events then stay pending until a handler is set).
   */
  void setHandler(int port, IntConsumer handler);

  /**
   * Closes {@code port} ({@code EVTCHNOP_close}); the remote end of an interdomain port reverts
   * to unbound (for us), as in Xen.
   */
  void close(int port);
}
