package io.morgana.xen.xenbus;

import io.morgana.xen.store.XenStoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The sequencing shared by {@link XenbusFrontend} and {@link XenbusBackend}: steps of the
 * handshake run one after the other on the loop, each a stage of XenStore conversation; a watch
 * event asks for one re-read of the peer's state, folded into one already queued (events
 * coalesce, the state is always re-read). Loop-confined.
 */
final class Handshake {

  static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Consumer<Throwable> onFailure;
  private CompletableFuture<Void> tail = DONE;
  private boolean refreshQueued;

  Handshake(Consumer<Throwable> onFailure) {
    this.onFailure = onFailure;
  }

  /** Runs {@code step} after the steps before it; its failure goes to {@code onFailure}. */
  void then(Supplier<? extends CompletionStage<Void>> step) {
    tail = tail.thenCompose(x -> {
      try {
        return step.get();
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    }).exceptionally(e -> {
      onFailure.accept(XenStoreException.unwrap(e));
      return null;
    });
  }

  /** A watch fired: re-read the peer's state with {@code refresh}, unless a re-read is already queued. */
  void refresh(Supplier<? extends CompletionStage<Void>> refresh) {
    if (refreshQueued) {
      return;
    }
    refreshQueued = true;
    then(() -> {
      refreshQueued = false;
      return refresh.get();
    });
  }
}
