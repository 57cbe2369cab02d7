package io.morgana.xen.store;

import java.util.concurrent.CompletionStage;

/**
 * An open XenStore transaction ({@code XS_TRANSACTION_START}): operations see a snapshot and take
 * effect together at {@link #commit()}, or not at all. Asynchronous, like {@link XenStore}.
 */
public interface XenStoreTransaction extends XenStoreOps {

  /** The transaction id ({@code tx_id} in headers), an unsigned 32-bit number. */
  int id();

  /**
   * {@code XS_TRANSACTION_END "T"}. The stage fails with {@link
   * io.morgana.xen.store.wire.XsError#EAGAIN} if another writer changed what this transaction
   * touched: redo the whole transaction.
   */
  CompletionStage<Void> commit();

  /** {@code XS_TRANSACTION_END "F"}: discards everything; completes at once once ended. */
  CompletionStage<Void> abort();
}
