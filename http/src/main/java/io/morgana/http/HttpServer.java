package io.morgana.http;

import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.http.internal.HttpConnection;
import io.morgana.http.internal.Watchdog;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server on a {@link Tcp}: one piece of offloaded work accepts, one per connection
 * serves its requests in order with the {@link HttpHandler} ({@link HttpConnection}). Both go
 * through {@link EventLoop#offload}, the kernel's one way to run blocking work: a virtual thread
 * each on a {@code KernelLoop}, one step at a time in virtual time on a {@code
 * DeterministicLoop} (so a server can run inside a deterministic simulation). At most {@link
 * HttpSettings#maxConnections()} connections are served at once; the next waits in the listen
 * backlog until one ends (the accept loop waits for a free slot through {@link EventLoop#join},
 * never by blocking its thread behind the loop's back).
 *
 * <p>Timeouts: each connection's {@link Watchdog} holds a deadline (idle, head, body or write —
 * see {@link HttpSettings}); a sweep on the kernel loop every {@link #sweepIntervalNanos} aborts
 * the connections whose deadline has passed, which ends their blocked call. The loop's clock is
 * the only one read for timeouts.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.start(tcp, loop, HttpSettings.defaults(8080), new KvFileHandler(kv));
 * ...
 * server.close();
 * }</pre>
 */
public final class HttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final Tcp.Listener listener;
  private final EventLoop loop;
  private final HttpSettings settings;
  private final HttpHandler handler;
  private final ByteBufAllocator alloc;
  private final Clock wallClock;
  private final Semaphore slots;
  private volatile CompletableFuture<Void> slotFreed;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final long sweepIntervalNanos;
  private volatile boolean closed;
  private volatile EventLoop.Cancellable sweep;

  private HttpServer(Tcp.Listener listener, EventLoop loop, HttpSettings settings, HttpHandler handler,
      ByteBufAllocator alloc, Clock wallClock) {
    this.listener = listener;
    this.loop = loop;
    this.settings = settings;
    this.handler = handler;
    this.alloc = alloc;
    this.wallClock = wallClock;
    this.slots = new Semaphore(settings.maxConnections());
    long shortest = Math.min(settings.idleTimeout().toNanos(), settings.headerTimeout().toNanos());
    this.sweepIntervalNanos = Math.clamp(shortest / 4, 10_000_000L, 1_000_000_000L);
  }

  /**
   * Listens on {@link HttpSettings#port()} and starts serving. Blocks while the listener opens:
   * call it from an application thread (a loop callback offloads it).
   *
   * @throws IOException if the port cannot be listened on
   */
  public static HttpServer start(Tcp tcp, EventLoop loop, HttpSettings settings, HttpHandler handler)
      throws IOException {
    return start(tcp, loop, settings, handler, PooledByteBufAllocator.DEFAULT, Clock.systemUTC());
  }

  /** As {@link #start(Tcp, EventLoop, HttpSettings, HttpHandler)}, with the server's buffers and {@code Date} clock given. */
  public static HttpServer start(Tcp tcp, EventLoop loop, HttpSettings settings, HttpHandler handler,
      ByteBufAllocator alloc, Clock wallClock) throws IOException {
    Tcp.Listener l = tcp.listen(settings.port());
    HttpServer s = new HttpServer(l, loop, settings, handler, alloc, wallClock);
    s.scheduleSweep();
    s.offload(s::acceptLoop);
    return s;
  }

  /** The port listened on. */
  public int port() {
    return listener.port();
  }

  /** Connections accepted so far. Any thread. */
  public long accepted() {
    return accepted.get();
  }

  /** Connections cut off by a timeout so far. Any thread. */
  public long timedOut() {
    return timedOut.get();
  }

  /** Connections being served now. Any thread. */
  public int active() {
    return connections.size();
  }

  private void offload(Runnable work) {
    loop.offload(() -> {
      work.run();
      return null;
    });
  }

  /** Takes a connection slot, waiting through the loop for one to be freed; false once closed. */
  private boolean awaitSlot() {
    while (!slots.tryAcquire()) {
      CompletableFuture<Void> freed = new CompletableFuture<>();
      slotFreed = freed;
      if (closed) {
        return false;
      }
      if (slots.tryAcquire()) { // freed between the first try and publishing the future
        return true;
      }
      try {
        loop.join("http: waiting for a free connection slot", freed);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private void releaseSlot() {
    slots.release();
    CompletableFuture<Void> freed = slotFreed;
    if (freed != null) {
      freed.complete(null);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      if (!awaitSlot()) {
        return;
      }
      Flow flow;
      try {
        flow = listener.accept();
      } catch (IOException | RuntimeException e) {
        releaseSlot();
        if (!closed) {
          LOG.warn("http: accept on port {} failed, no longer serving: {}", settings.port(), e.toString());
        }
        return;
      }
      accepted.incrementAndGet();
      Connection c = new Connection(flow);
      connections.add(c);
      try {
        offload(c::run);
      } catch (RuntimeException | OutOfMemoryError e) {
        connections.remove(c);
        releaseSlot();
        flow.abort();
      }
    }
  }

  private void scheduleSweep() {
    if (!closed) {
      sweep = loop.schedule(loop.nowNanos() + sweepIntervalNanos, this::sweep);
    }
  }

  /** On the loop: aborts the connections whose deadline passed. */
  private void sweep() {
    long now = loop.nowNanos();
    for (Connection c : connections) {
      c.expire(now);
    }
    scheduleSweep();
  }

  /** Stops accepting and aborts the connections being served. Idempotent; any thread. */
  @Override
  public void close() {
    closed = true;
    listener.close();
    CompletableFuture<Void> freed = slotFreed;
    if (freed != null) {
      freed.complete(null); // an accept loop waiting for a slot sees closed and ends
    }
    EventLoop.Cancellable s = sweep;
    if (s != null) {
      s.cancel();
    }
    for (Connection c : connections) {
      c.flow.abort();
    }
  }

  @Override
  public String toString() {
    return "HttpServer[port " + settings.port() + ", " + connections.size() + " connections]";
  }

  /** A served connection and its deadline. */
  private final class Connection implements Watchdog {
    private static final long NONE = Long.MAX_VALUE;

    final Flow flow;
    private volatile long deadline = NONE;
    private volatile boolean expired;

    Connection(Flow flow) {
      this.flow = flow;
    }

    void run() {
      try {
        new HttpConnection(flow, settings, handler, this, alloc, wallClock).serve();
      } finally {
        connections.remove(this);
        releaseSlot();
      }
    }

    @Override
    public void arm(long timeoutNanos) {
      deadline = loop.nowNanos() + timeoutNanos;
    }

    @Override
    public void disarm() {
      deadline = NONE;
    }

    @Override
    public boolean expired() {
      return expired;
    }

    /** Aborts the flow if the deadline passed; true the first time it does. */
    boolean expire(long now) {
      long d = deadline;
      if (d != NONE && now - d >= 0 && !expired) {
        expired = true;
        timedOut.incrementAndGet(); // before the abort: whoever sees the reset sees it counted
        flow.abort();
        return true;
      }
      return false;
    }
  }
}
