package io.morgana.xen.store;

import io.morgana.xen.store.wire.MalformedXenStoreMessageException;
import io.morgana.xen.store.wire.XenStoreRingPage;
import io.morgana.xen.store.wire.XsError;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guest end of the XenStore shared page, {@code struct xenstore_domain_interface} of Xen
 * {@code io/xs_wire.h}, with the rules of {@code docs/misc/xenstore-ring.txt}: requests go into
 * {@code req[]}, replies and watch events come from {@code rsp[]}, and each side notifies the
 * store's event channel after producing or consuming.
 *
 * <p>Wire the event channel in two directions: {@code notifyPeer} sends a notification to the
 * store (e.g. {@code EventChannels.notify(port)}), and the platform calls {@link #onEvent()}
 * whenever the store's port fires (from any thread). {@link #send} blocks while {@code req[]} is
 * full, at most {@code stallTimeout}, waiting for the store to consume.
 */
public final class XenStoreRingTransport implements XenStoreTransport {

  private final XenStoreRingPage page;
  private final Runnable notifyPeer;
  private final Duration stallTimeout;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition consumed = lock.newCondition();
  private final AtomicInteger wip = new AtomicInteger();
  private final byte[] chunk = new byte[XenStoreRingPage.RING_SIZE];
  private volatile Receiver receiver;
  private volatile boolean closed;
  private volatile Throwable failure;

  /** A transport over {@code page} (at least 2076 bytes), notifying the store with {@code notifyPeer}. */
  public XenStoreRingTransport(MemorySegment page, Runnable notifyPeer, Duration stallTimeout) {
    this.page = XenStoreRingPage.wrap(page);
    this.notifyPeer = notifyPeer;
    this.stallTimeout = stallTimeout;
  }

  @Override
  public void start(Receiver receiver) {
    this.receiver = receiver;
    onEvent();
  }

  @Override
  public void send(byte[] message, int offset, int length) {
    int done = 0;
    long deadline = System.nanoTime() + stallTimeout.toNanos();
    while (done < length) {
      check();
      int n;
      lock.lock();
      try {
        int server = page.get(XenStoreRingPage.ERROR_OFFSET);
        if (server != XenStoreRingPage.ERROR_NONE) {
          throw new XenStoreException(XsError.EIO, "xenstore reported ring error " + server);
        }
        n = page.writeRequest(message, offset + done, length - done);
      } catch (MalformedXenStoreMessageException e) {
        fail(e);
        throw new XenStoreException(XsError.EIO, "xenstore ring broken: " + e.getMessage(), e);
      } finally {
        lock.unlock();
      }
      done += n;
      if (n > 0) {
        notifyPeer.run();
      }
      if (done < length) {
        awaitSpace(deadline);
      }
    }
  }

  private void awaitSpace(long deadline) {
    lock.lock();
    try {
      while (true) {
        check();
        try {
          if (page.requestsPending() < XenStoreRingPage.RING_SIZE) {
            return;
          }
        } catch (MalformedXenStoreMessageException e) {
          fail(e);
          throw new XenStoreException(XsError.EIO, "xenstore ring broken: " + e.getMessage(), e);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new XenStoreTimeoutException("xenstore request ring stayed full for " + stallTimeout);
        }
        // The store's notification may be queued behind us on our own loop: look again every ms.
        consumed.await(Math.min(left, 1_000_000L), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new XenStoreException(XsError.EIO, "interrupted waiting for xenstore ring space", e);
    } finally {
      lock.unlock();
    }
  }

  private void check() {
    if (closed) {
      throw new XenStoreException(XsError.EIO, "xenstore ring transport closed", failure);
    }
  }

  /**
   * The store's event channel fired: reads every reply byte available, hands it to the receiver,
   * notifies the store that space was freed, and wakes senders waiting for room. Any thread;
   * reentrant calls are folded into the running one.
   */
  public void onEvent() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      drain();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Same as {@link #onEvent()}: reads whatever the store has written. */
  @Override
  public void poll() {
    onEvent();
  }

  private void drain() {
    Receiver r = receiver;
    if (r == null || closed) {
      return;
    }
    try {
      boolean any = false;
      int n;
      while ((n = page.readResponse(chunk, 0, chunk.length)) > 0) {
        any = true;
        r.onBytes(chunk, 0, n);
      }
      if (any) {
        notifyPeer.run();
      }
    } catch (MalformedXenStoreMessageException e) {
      fail(e);
    }
    lock.lock();
    try {
      consumed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void fail(Throwable cause) {
    if (closed) {
      return;
    }
    failure = cause;
    closed = true;
    Receiver r = receiver;
    if (r != null) {
      r.onClosed(cause);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    lock.lock();
    try {
      consumed.signalAll();
    } finally {
      lock.unlock();
    }
    Receiver r = receiver;
    if (r != null) {
      r.onClosed(null);
    }
  }
}
