package io.morgana.xen.store;

import io.morgana.xen.store.wire.MalformedXenStoreMessageException;
import io.morgana.xen.store.wire.XenStoreRingPage;
import io.morgana.xen.store.wire.XsError;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guest end of the XenStore shared page, {@code struct xenstore_domain_interface} of Xen
 * {@code io/xs_wire.h}, with the rules of {@code docs/misc/xenstore-ring.txt}: requests go into
 * {@code req[]}, replies and watch events come from {@code rsp[]}, and each side notifies the
 * store's event channel after producing or consuming.
 *
 * <p>Wire the event channel in two directions: {@code notifyPeer} sends a notification to the
 * store (e.g. {@code EventChannels.notify(port)}), and the platform calls {@link #onEvent()}
 * whenever the store's port fires (from any thread). {@link #send} never waits: what does not fit
 * in {@code req[]} is queued and written by {@link #onEvent()} as the store consumes.
 */
public final class XenStoreRingTransport implements XenStoreTransport {

  private final XenStoreRingPage page;
  private final Runnable notifyPeer;
  private final ReentrantLock lock = new ReentrantLock();
  /** Request bytes not in {@code req[]} yet, in order (guarded by lock). */
  private final ArrayDeque<byte[]> outgoing = new ArrayDeque<>();
  private int headOffset;
  private final AtomicInteger wip = new AtomicInteger();
  private final byte[] chunk = new byte[XenStoreRingPage.RING_SIZE];
  private volatile Receiver receiver;
  private volatile boolean closed;
  private volatile Throwable failure;

  /** A transport over {@code page} (at least 2076 bytes), notifying the store with {@code notifyPeer}. */
  public XenStoreRingTransport(MemorySegment page, Runnable notifyPeer) {
    this.page = XenStoreRingPage.wrap(page);
    this.notifyPeer = notifyPeer;
  }

  @Override
  public void start(Receiver receiver) {
    this.receiver = receiver;
    onEvent();
  }

  /**
   * Puts the message into {@code req[]} as far as it fits and queues the rest, which {@link
   * #onEvent()} writes as the store consumes: never waits (the client sends on the kernel loop).
   */
  @Override
  public void send(byte[] message, int offset, int length) {
    lock.lock();
    try {
      check();
      byte[] copy = new byte[length];
      System.arraycopy(message, offset, copy, 0, length);
      outgoing.add(copy);
    } finally {
      lock.unlock();
    }
    flushOutgoing();
  }

  /** Writes queued request bytes while {@code req[]} has room; notifies the store if any went in. */
  private void flushOutgoing() {
    boolean wrote = false;
    lock.lock();
    try {
      while (!closed && !outgoing.isEmpty()) {
        int server = page.get(XenStoreRingPage.ERROR_OFFSET);
        if (server != XenStoreRingPage.ERROR_NONE) {
          throw new XenStoreException(XsError.EIO, "xenstore reported ring error " + server);
        }
        byte[] head = outgoing.peek();
        int n = page.writeRequest(head, headOffset, head.length - headOffset);
        if (n <= 0) {
          break;
        }
        wrote = true;
        headOffset += n;
        if (headOffset == head.length) {
          outgoing.poll();
          headOffset = 0;
        }
      }
    } catch (MalformedXenStoreMessageException e) {
      fail(e);
      throw new XenStoreException(XsError.EIO, "xenstore ring broken: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
    if (wrote) {
      notifyPeer.run();
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
    if (!closed) {
      try {
        flushOutgoing();
      } catch (XenStoreException e) {
        // fail() has reported the broken ring to the receiver.
      }
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
    Receiver r = receiver;
    if (r != null) {
      r.onClosed(null);
    }
  }
}
