package io.morgana.xen.store;

/**
 * An open XenStore transaction ({@code XS_TRANSACTION_START}): operations see a snapshot and take
 * effect together at {@link #commit()}, or not at all.
 */
public interface XenStoreTransaction extends XenStoreOps, AutoCloseable {

  /** The transaction id ({@code tx_id} in headers), an unsigned 32-bit number. */
  int id();

  /**
   * {@code XS_TRANSACTION_END "T"}.
   *
   * @throws XenStoreException with {@link io.morgana.xen.store.wire.XsError#EAGAIN} if another
   *     writer changed what this transaction touched: redo the whole transaction
   */
  void commit();

  /** {@code XS_TRANSACTION_END "F"}: discards everything; does nothing once ended. */
  void abort();

  /** Aborts unless committed. */
  @Override
  default void close() {
    abort();
  }
}
