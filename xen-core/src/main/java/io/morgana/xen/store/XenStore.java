package io.morgana.xen.store;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A domain's connection to XenStore: node operations ({@link XenStoreOps}), domain paths, watches
 * and transactions — all asynchronous, for drivers on the kernel loop. No method waits: requests
 * return {@link CompletionStage}s that the loop completes when the reply arrives (or the request
 * times out on the loop's clock), watch listeners run on the loop, and {@link #transaction}
 * composes start, body, commit and the retry on {@code EAGAIN} without blocking. A driver keeps
 * running its other work — rings, timers, other devices — while a request is outstanding.
 *
 * <p>Application threads that want to wait for a reply use {@link #blocking()}, whose calls go
 * through {@link io.morgana.runtime.LoopBridge#call} and fail at once on a loop thread.
 */
public interface XenStore extends XenStoreOps, AutoCloseable {

  /** How often {@link #transaction} tries a body whose commit fails with {@code EAGAIN}. */
  int TRANSACTION_ATTEMPTS = 16;

  /** {@code XS_GET_DOMAIN_PATH}: {@code /local/domain/<domid>}. */
  CompletionStage<String> getDomainPath(int domid);

  /**
   * {@code XS_WATCH}: watches {@code path} and everything below it. The listener runs on the
   * kernel loop: once right after registration, then for every change; the stage completes when
   * the store acknowledged the watch.
   *
   * @param token a name for the watch, carried in every event; watches on unrelated paths may
   *     share one (an event reaches the watches whose path is at, above or below its path)
   */
  CompletionStage<Watch> watch(String path, String token, WatchListener listener);

  /** {@code XS_TRANSACTION_START}. */
  CompletionStage<XenStoreTransaction> startTransaction();

  /**
   * Runs {@code body} in a transaction and commits it; when the commit fails with {@code EAGAIN}
   * (another writer intervened), runs the body again in a new transaction, up to {@link
   * #TRANSACTION_ATTEMPTS} times — all by composing stages on the loop. The body may run more
   * than once: it must only read and write through {@code tx}. A body whose stage fails (or that
   * throws) aborts the transaction.
   *
   * @return a stage with what the body's stage gave in the attempt that committed, or failed
   *     with {@code EAGAIN} when every attempt conflicted
   */
  <T> CompletionStage<T> transaction(Function<XenStoreTransaction, ? extends CompletionStage<T>> body);

  /** The blocking form of this store, for application threads only. */
  BlockingXenStore blocking();

  /** Closes the connection: outstanding requests fail, watches stop. Any thread. */
  @Override
  void close();
}
