package io.morgana.console.xen;

import io.morgana.api.Console;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.runtime.LoopBridge;
import io.morgana.xen.evtchn.EventChannels;
import io.morgana.xen.platform.PrimaryConsole;
import io.morgana.xen.platform.XenPlatform;
import io.morgana.xen.ring.ByteRing;
import io.morgana.xen.ring.RingException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Console} over a Xen PV console page ({@code struct xencons_interface}, {@code
 * io/console.h}): output goes into the {@code out} ring (2048 bytes), input comes from the {@code
 * in} ring (1024 bytes), and each side notifies the other through an event channel after moving an
 * index — the frontend half of Linux's {@code hvc_xen.c}.
 *
 * <p><b>Threads.</b> {@link #write} and {@link #log} from any thread: on an application thread
 * they return once every byte is in the ring, waiting for the backend when the ring is full
 * (output is never dropped); on the loop thread they never wait — what does not fit is queued and
 * pushed by the event handler as the backend makes room. {@link #read} blocks an application
 * thread until input arrives; on the loop thread it returns waiting input but never waits (it
 * throws {@link IllegalStateException} when there is none). The event handler runs on the
 * platform's loop.
 *
 * <p><b>End of input.</b> A Xen console has no end of input. After {@link #close()}, {@link
 * #read} returns what is left in the {@code in} ring, then {@code null}.
 *
 * <p>Corrupt ring indices from the backend ({@link RingException}) make the console broken:
 * every later call throws {@link IOException}.
 */
@Singleton
public final class XenConsole implements Console {

  private static final Logger LOG = LoggerFactory.getLogger(XenConsole.class);
  /** How long {@link #close()} waits for the backend to take queued output. */
  private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final EventLoop loop;
  private final EventChannels events;
  private final int port;
  private final ByteRing out;
  private final ByteRing in;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Output written on the loop thread that did not fit yet, in order. */
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private boolean closed;
  private RingException broken;

  /**
   * The primary console of {@code platform}, registered with {@code lifecycle} to be closed at
   * shutdown.
   *
   * @throws IllegalStateException if the platform cannot reach a primary console (a Linux user
   *     space process: the kernel owns it as {@code /dev/hvc0})
   */
  @Inject
  public XenConsole(XenPlatform platform, Lifecycle lifecycle) {
    this(
        platform.loop(),
        platform.events(),
        platform
            .primaryConsole()
            .orElseThrow(() -> new IllegalStateException(
                "domain " + platform.domid() + " has no primary Xen console this process can reach"))
            .page(),
        platform.primaryConsole().map(PrimaryConsole::port).orElseThrow());
    lifecycle.onShutdown(this);
  }

  /**
   * A console over {@code page} (a {@code xencons_interface}, already shared with the backend)
   * whose events go through {@code port}; the handler runs on {@code loop}.
   */
  public XenConsole(EventLoop loop, EventChannels events, MemorySegment page, int port) {
    if (page.byteSize() < ByteRing.CONS_INTERFACE_SIZE) {
      throw new IllegalArgumentException("console page too small: " + page.byteSize());
    }
    this.loop = loop;
    this.events = events;
    this.port = port;
    this.out = ByteRing.consoleOut(page);
    this.in = ByteRing.consoleIn(page);
    events.setHandler(port, p -> onEvent());
  }

  /** The event channel port of this console. */
  public int port() {
    return port;
  }

  @Override
  public void write(ByteBuf bytes) throws IOException {
    try {
      LoopBridge.onLoopOrElse(() -> writeFromLoop(bytes.retain()), () -> writeBlocking(bytes));
    } finally {
      bytes.release();
    }
  }

  @Override
  public void log(String line) throws IOException {
    write(Unpooled.wrappedBuffer((line + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  private void writeFromLoop(ByteBuf owned) throws IOException {
    lock.lock();
    try {
      if (closed || broken != null) {
        owned.release();
        ensureUsable();
      }
      pending.add(owned);
      flushPending();
    } finally {
      lock.unlock();
    }
  }

  private void writeBlocking(ByteBuf bytes) throws IOException {
    lock.lock();
    try {
      ensureUsable();
      while (bytes.isReadable()) {
        int n = pending.isEmpty() ? produce(bytes) : 0;
        if (bytes.isReadable()) {
          changed.await();
          ensureUsable();
        } else if (n == 0) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the Xen console's out ring was full");
    } finally {
      lock.unlock();
    }
  }

  /** Copies what fits from {@code bytes} into the out ring and notifies; lock held. */
  private int produce(ByteBuf bytes) throws IOException {
    int n;
    try {
      n = out.write(bytes);
    } catch (RingException e) {
      broken = e;
      changed.signalAll();
      throw new IOException("Xen console ring is corrupt", e);
    }
    if (n > 0) {
      events.notify(port);
    }
    return n;
  }

  /** Pushes queued loop-thread output while it fits; lock held. */
  private void flushPending() throws IOException {
    ByteBuf head;
    while ((head = pending.peek()) != null) {
      produce(head);
      if (head.isReadable()) {
        return;
      }
      pending.poll().release();
    }
  }

  @Override
  public ByteBuf read() throws IOException {
    lock.lock();
    try {
      while (true) {
        if (broken != null) {
          ensureUsable();
        }
        int available = in.available();
        if (available > 0) {
          ByteBuf buf = Unpooled.buffer(available);
          in.read(buf);
          events.notify(port);
          return buf;
        }
        if (closed) {
          return null;
        }
        // Input arrives through this console's event handler, which runs on the loop: waiting
        // there would stop the kernel for good.
        LoopBridge.checkBlockingAllowed("XenConsole.read (with no input waiting)");
        changed.await();
      }
    } catch (RingException e) {
      broken = e;
      changed.signalAll();
      throw new IOException("Xen console ring is corrupt", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for Xen console input");
    } finally {
      lock.unlock();
    }
  }

  /** On the loop: the backend moved an index. */
  private void onEvent() {
    lock.lock();
    try {
      if (broken == null) {
        flushPending();
      }
    } catch (IOException e) {
      LOG.warn("Xen console on port {} is broken: {}", port, e.getCause().getMessage());
    } finally {
      changed.signalAll();
      lock.unlock();
    }
  }

  /**
   * Stops accepting output; output queued on the loop thread is given up to 5 s to fit in the
   * ring (from an application thread). Input left in the ring stays readable, then {@link #read}
   * returns {@code null}. Idempotent.
   */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      LoopBridge.onLoopOrElse(() -> {}, this::awaitPendingTaken);
      closed = true;
      while (!pending.isEmpty()) {
        pending.poll().release();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Off the loop, lock held: gives queued output up to 5 s to fit in the ring. */
  private void awaitPendingTaken() throws IOException {
    long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
    try {
      while (!pending.isEmpty() && broken == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("Xen console closed with {} buffers of output the backend never took", pending.size());
          break;
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while closing the Xen console");
    }
  }

  private void ensureUsable() throws IOException {
    if (broken != null) {
      throw new IOException("Xen console ring is corrupt: " + broken.getMessage(), broken);
    }
    if (closed) {
      throw new IOException("the Xen console is closed");
    }
  }

  @Override
  public String toString() {
    return "XenConsole[port " + port + "]";
  }
}
