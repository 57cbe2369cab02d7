package io.morgana.xen.store;

import io.morgana.runtime.LoopBridge;
import io.morgana.xen.store.wire.XsError;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The blocking form of a {@link XenStore}, for application threads (a tool, a test, a virtual
 * thread of an application) and nothing else: each call starts the asynchronous operation on the
 * kernel loop through {@link LoopBridge#call} and waits for its stage. Called on a loop thread,
 * every method fails at once with an {@link IllegalStateException} naming the call ({@code
 * "XenStore.read blocks and was called on kernel loop thread ..."}): drivers compose the stages
 * of {@link XenStore} instead. Under a {@code DeterministicLoop}, a test thread's call drives the
 * loop in virtual time.
 *
 * <p>Failures are those of the stages: {@link XenStoreException} and its subclasses; an
 * interrupted wait is {@link XsError#EIO}.
 */
public final class BlockingXenStore implements BlockingXenStoreOps {

  private final XenStore store;
  private final LoopBridge bridge;

  /** The blocking form of {@code store}, whose stages complete on {@code bridge}'s loop. */
  public BlockingXenStore(XenStore store, LoopBridge bridge) {
    this.store = store;
    this.bridge = bridge;
  }

  /** The asynchronous store. */
  public XenStore async() {
    return store;
  }

  /**
   * Starts {@code operation} on the loop and waits for its stage: the building block of every
   * method here, also for compositions of asynchronous calls ({@code
   * XenbusToolstack.createDevice}).
   *
   * @param call the name of the call for the error message on a loop thread
   */
  public <T> T call(String call, Supplier<? extends CompletionStage<T>> operation) {
    try {
      return bridge.call(call, f -> operation.get().whenComplete((v, e) -> {
        if (e != null) {
          f.completeExceptionally(XenStoreException.unwrap(e));
        } else {
          f.complete(v);
        }
      }));
    } catch (InterruptedIOException e) {
      throw new XenStoreException(XsError.EIO, "interrupted waiting for " + call, e);
    } catch (IOException e) {
      throw new XenStoreException(XsError.EIO, call + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] readBytes(String path) {
    return call("XenStore.read", () -> store.readBytes(path));
  }

  @Override
  public void write(String path, byte[] value) {
    call("XenStore.write", () -> store.write(path, value));
  }

  @Override
  public void mkdir(String path) {
    call("XenStore.mkdir", () -> store.mkdir(path));
  }

  @Override
  public void rm(String path) {
    call("XenStore.rm", () -> store.rm(path));
  }

  @Override
  public List<String> directory(String path) {
    return call("XenStore.directory", () -> store.directory(path));
  }

  @Override
  public List<Permission> getPerms(String path) {
    return call("XenStore.getPerms", () -> store.getPerms(path));
  }

  @Override
  public void setPerms(String path, List<Permission> perms) {
    call("XenStore.setPerms", () -> store.setPerms(path, perms));
  }

  /** {@code XS_GET_DOMAIN_PATH}. */
  public String getDomainPath(int domid) {
    return call("XenStore.getDomainPath", () -> store.getDomainPath(domid));
  }

  /** {@code XS_WATCH}; the listener runs on the kernel loop. */
  public Watch watch(String path, String token, WatchListener listener) {
    return call("XenStore.watch", () -> store.watch(path, token, listener));
  }

  /** {@code XS_TRANSACTION_START}. */
  public Transaction startTransaction() {
    return new Transaction(call("XenStore.startTransaction", store::startTransaction));
  }

  /**
   * Runs {@code body} in a transaction on this thread and commits it, again in a new transaction
   * when the commit fails with {@code EAGAIN}, up to {@link XenStore#TRANSACTION_ATTEMPTS} times.
   * A body that throws aborts the transaction.
   */
  public <T> T transaction(TransactionBody<T> body) {
    XenStoreException last = null;
    for (int attempt = 1; attempt <= XenStore.TRANSACTION_ATTEMPTS; attempt++) {
      Transaction tx = startTransaction();
      T result;
      try {
        result = body.run(tx);
      } catch (RuntimeException | Error e) {
        try {
          tx.abort();
        } catch (RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
        throw e;
      }
      try {
        tx.commit();
        return result;
      } catch (XenStoreException e) {
        if (e.error() != XsError.EAGAIN || e instanceof XenStoreProtocolException
            || e instanceof XenStoreTimeoutException) {
          throw e;
        }
        last = e;
      }
    }
    throw new XenStoreException(XsError.EAGAIN,
        "transaction conflicted " + XenStore.TRANSACTION_ATTEMPTS + " times; giving up", last);
  }

  /** The body of a blocking {@link #transaction}. */
  @FunctionalInterface
  public interface TransactionBody<T> {
    /** Reads and writes through {@code tx}; returns a result. */
    T run(Transaction tx);
  }

  /** A transaction, blocking; {@link #close()} aborts unless committed. */
  public final class Transaction implements BlockingXenStoreOps, AutoCloseable {
    private final XenStoreTransaction tx;

    Transaction(XenStoreTransaction tx) {
      this.tx = tx;
    }

    /** The asynchronous transaction. */
    public XenStoreTransaction async() {
      return tx;
    }

    /** The transaction id. */
    public int id() {
      return tx.id();
    }

    @Override
    public byte[] readBytes(String path) {
      return call("XenStoreTransaction.read", () -> tx.readBytes(path));
    }

    @Override
    public void write(String path, byte[] value) {
      call("XenStoreTransaction.write", () -> tx.write(path, value));
    }

    @Override
    public void mkdir(String path) {
      call("XenStoreTransaction.mkdir", () -> tx.mkdir(path));
    }

    @Override
    public void rm(String path) {
      call("XenStoreTransaction.rm", () -> tx.rm(path));
    }

    @Override
    public List<String> directory(String path) {
      return call("XenStoreTransaction.directory", () -> tx.directory(path));
    }

    @Override
    public List<Permission> getPerms(String path) {
      return call("XenStoreTransaction.getPerms", () -> tx.getPerms(path));
    }

    @Override
    public void setPerms(String path, List<Permission> perms) {
      call("XenStoreTransaction.setPerms", () -> tx.setPerms(path, perms));
    }

    /** {@code XS_TRANSACTION_END "T"}; {@code EAGAIN} when another writer intervened. */
    public void commit() {
      call("XenStoreTransaction.commit", tx::commit);
    }

    /** {@code XS_TRANSACTION_END "F"}; does nothing once ended. */
    public void abort() {
      call("XenStoreTransaction.abort", tx::abort);
    }

    @Override
    public void close() {
      abort();
    }
  }
}
