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

  /**
   * Whether a frontend in Initialised (3) is ready to connect to. Linux's backends differ: blkback
   * connects at Initialised or Connected ({@code xen-blkback/xenbus.c frontend_changed}), netback
   * ignores Initialised and connects only at Connected ({@code xen-netback/xenbus.c
   * frontend_changed}: {@code case XenbusStateInitialised: break;}). Defaults to blkback's rule.
   */
  default boolean connectsOnInitialised() {
    return true;
  }

  /** The connection ended: unmap, unbind. */
  void disconnect();

  /** Something in the handshake went wrong. */
  default void onError(XenbusException error) {}
}
