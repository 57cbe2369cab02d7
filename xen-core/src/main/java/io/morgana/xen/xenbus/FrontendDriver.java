package io.morgana.xen.xenbus;

import io.morgana.xen.store.XenStoreTransaction;
import java.util.concurrent.CompletionStage;

/**
 * What a frontend driver (netfront, blkfront, console) does at each step of the handshake run by
 * {@link XenbusFrontend}. Every callback runs on the kernel loop and never waits: steps that talk
 * to XenStore return the stage of that conversation, and the handshake goes on when it completes.
 */
public interface FrontendDriver {

  /**
   * The backend waits for us (InitWait): allocate and grant the ring pages, allocate the event
   * channel. Called once per connection attempt, before {@link #publish}.
   */
  void initialise(int backendDomid);

  /**
   * Writes the transport keys ({@code ring-ref}, {@code event-channel}, features...) below {@code
   * frontendPath} in {@code tx}; the frontend writes {@code state = Connected} in the same
   * transaction once the returned stage completes (straight to Connected, as Linux netfront: Linux
   * netback ignores Initialised). May run more than once (the transaction is retried on {@code
   * EAGAIN}): only write.
   */
  CompletionStage<Void> publish(XenStoreTransaction tx, String frontendPath);

  /**
   * The backend is Connected (after our {@link #publish}): read its keys below {@code
   * backendPath} ({@code sectors}, {@code feature-*} it writes at connect) and start using the
   * device. Called once per connection; a failed stage is reported to {@link #onError}.
   */
  CompletionStage<Void> connect(String backendPath);

  /**
   * The connection ended (backend closing or gone, or we close): stop, end grants, close ports.
   * Called once after each {@link #initialise}, never without one.
   */
  void disconnect();

  /** Something in the handshake went wrong; the state machine carries on where it safely can. */
  default void onError(XenbusException error) {}
}
