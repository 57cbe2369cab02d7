package io.morgana.xen.xenbus;

import io.morgana.xen.store.XenStoreTransaction;

/** What a backend driver (a Java netback or blkback) does at each step run by {@link XenbusBackend}. Callbacks run on the kernel loop. */
public interface BackendDriver {

  /**
   * Writes the backend's features below {@code backendPath} in {@code tx}; the backend writes
   * {@code state = InitWait} in the same transaction. May run more than once: only write.
   */
  void advertise(XenStoreTransaction tx, String backendPath);

  /**
   * The frontend published its transport (Initialised or Connected): read {@code ring-ref},
   * {@code event-channel}... below {@code frontendPath}, map the ring and bind the port. Throw to
   * refuse (the backend then closes).
   */
  void connect(String frontendPath, int frontendDomid);

  /** The connection ended: unmap, unbind. */
  void disconnect();

  /** Something in the handshake went wrong. */
  default void onError(XenbusException error) {}
}
