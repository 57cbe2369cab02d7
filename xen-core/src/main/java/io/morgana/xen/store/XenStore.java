package io.morgana.xen.store;

/**
 * A domain's connection to XenStore: node operations ({@link XenStoreOps}), domain paths, watches
 * and transactions. Methods block until the reply and may be called from any thread, the kernel
 * loop included (drivers call them from watch callbacks, as Linux's xenbus drivers do: a transport
 * woken through the loop is polled while the loop thread waits); a watch's listener runs on the
 * kernel loop.
 */
public interface XenStore extends XenStoreOps, AutoCloseable {

  /** How often {@link #transaction} tries a body whose commit fails with {@code EAGAIN}. */
  int TRANSACTION_ATTEMPTS = 16;

  /** {@code XS_GET_DOMAIN_PATH}: {@code /local/domain/<domid>}. */
  String getDomainPath(int domid);

  /**
   * {@code XS_WATCH}: watches {@code path} and everything below it.
   *
   * @param token a name for the watch, carried in every event; watches on unrelated paths may
   *     share one (an event reaches the watches whose path is at, above or below its path)
   */
  Watch watch(String path, String token, WatchListener listener);

  /** {@code XS_TRANSACTION_START}. */
  XenStoreTransaction startTransaction();

  /**
   * Runs {@code body} in a transaction and commits it; when the commit fails with {@code EAGAIN}
   * (another writer intervened), runs the body again in a new transaction, up to {@link
   * #TRANSACTION_ATTEMPTS} times. The body may run more than once: it must only read and write
   * through {@code tx}. A body that throws aborts the transaction.
   *
   * @return what the body returned in the attempt that committed
   * @throws XenStoreException with {@code EAGAIN} when every attempt conflicted
   */
  <T> T transaction(TransactionBody<T> body);

  /** Closes the connection: outstanding requests fail, watches stop. */
  @Override
  void close();

  /** The body of a {@link #transaction}. */
  @FunctionalInterface
  interface TransactionBody<T> {
    /** Reads and writes through {@code tx}; returns a result. */
    T run(XenStoreTransaction tx);
  }
}
