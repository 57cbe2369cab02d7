package io.morgana.xen.xenbus;

import io.morgana.xen.store.XenStoreTransaction;
import java.util.concurrent.CompletionStage;

/**
 * What a backend driver (a Java netback or blkback) does at each step run by {@link
 * XenbusBackend}. Callbacks run on the kernel loop and never wait.
 */
public interface BackendDriver {

  /**
   * Writes the backend's features below {@code backendPath} in {@code tx}; the backend writes
   * {@code state = InitWait} in the same transaction once the stage completes. May run more than
   * once: only write.
   */
  CompletionStage<Void> advertise(XenStoreTransaction tx, String backendPath);

  /**
   * The frontend published its transport (Initialised or Connected): read {@code ring-ref},
   * {@code event-channel}... below {@code frontendPath}, map the ring and bind the port. Fail the
   * stage (or throw) to refuse: the backend then closes.
   */
  CompletionStage<Void> connect(String frontendPath, int frontendDomid);

  /** The connection ended: unmap, unbind. */
  void disconnect();

  /** Something in the handshake went wrong. */
  default void onError(XenbusException error) {}
}
