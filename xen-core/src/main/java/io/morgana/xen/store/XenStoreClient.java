package io.morgana.xen.store;

import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.runtime.Pollable;
import io.morgana.xen.store.wire.MalformedXenStoreMessageException;
import io.morgana.xen.store.wire.XsError;
import io.morgana.xen.store.wire.XsFrameDecoder;
import io.morgana.xen.store.wire.XsHeader;
import io.morgana.xen.store.wire.XsMessage;
import io.morgana.xen.store.wire.XsMessageType;
import io.morgana.xen.store.wire.XsPayloads;
import io.morgana.xen.store.wire.XsWatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The XenStore client of Xen {@code io/xs_wire.h} over any {@link XenStoreTransport}: an
 * asynchronous state machine confined to the kernel loop, which it joins as a {@link Pollable}.
 *
 * <ul>
 *   <li>Requests are sent on the loop (a call from another thread is handed to it through {@link
 *       LoopBridge#post}); each gets a fresh non-zero {@code req_id} and a deadline of {@code
 *       timeout} on the loop's clock. The client never waits for a reply.
 *   <li>The transport hands received bytes over from whatever thread it receives on — the
 *       event channel handler of the shared ring, the reader of {@code /dev/xen/xenbus}, the
 *       in-JVM server — into a queue, and wakes the loop; the loop polls the client, which
 *       decodes them there. Replies are routed by {@code req_id} (in any order) and complete
 *       their stage on the loop; {@code XS_WATCH_EVENT}s ({@code req_id 0}) interleave with them
 *       and run the watch's listener on the loop.
 *   <li>An {@code XS_ERROR} reply becomes a {@link XenStoreException} named by its string.
 *   <li>A malformed reply (unknown type, missing NUL, a type other than the request's) fails
 *       that request with {@link XenStoreProtocolException}; a header whose length exceeds
 *       {@code XENSTORE_PAYLOAD_MAX} breaks the stream, failing every outstanding and later
 *       request. Replies to no outstanding request are counted and dropped.
 *   <li>A request without reply fails with {@link XenStoreTimeoutException} when its deadline
 *       passes on the loop's clock ({@link #nextDeadlineNanos()}), so under a {@code
 *       DeterministicLoop} a timeout is virtual time too.
 * </ul>
 *
 * {@link #blocking()} is the form for application threads.
 */
public final class XenStoreClient implements XenStore, Pollable {

  /** Handed over by the transport: received bytes, or the end of the stream. */
  private record Closed(Throwable cause) {}

  private final XenStoreTransport transport;
  private final EventLoop loop;
  private final LoopBridge bridge;
  private final Duration timeout;
  private final XsFrameDecoder decoder = new XsFrameDecoder();
  private final Queue<Object> inbound = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, List<WatchRegistration>> watches = new HashMap<>(); // loop only
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong unmatched = new AtomicLong();
  private final EventLoop.Cancellable registration;
  private final BlockingXenStore blocking;
  private int nextReqId = 1; // loop only
  private volatile XenStoreException failure;

  /**
   * A client over {@code transport} on {@code loop}, failing requests unanswered for {@code
   * timeout} of the loop's time. Registers with the loop and starts the transport. Any thread.
   */
  public XenStoreClient(XenStoreTransport transport, EventLoop loop, Duration timeout) {
    this.transport = transport;
    this.loop = loop;
    this.bridge = new LoopBridge(loop);
    this.timeout = timeout;
    this.blocking = new BlockingXenStore(this, bridge);
    this.registration = loop.register(this);
    transport.start(new XenStoreTransport.Receiver() {
      @Override
      public void onBytes(byte[] buf, int offset, int length) {
        byte[] copy = new byte[length];
        System.arraycopy(buf, offset, copy, 0, length);
        inbound.add(copy);
        loop.wakeup();
      }

      @Override
      public void onClosed(Throwable cause) {
        inbound.add(new Closed(cause));
        loop.wakeup();
      }
    });
  }

  /** Malformed replies and watch events received (each failed a request or was dropped). */
  public long malformedMessages() {
    return malformed.get();
  }

  /** Replies whose {@code req_id} matched no outstanding request (dropped). */
  public long unmatchedReplies() {
    return unmatched.get();
  }

  /** Requests sent and not yet answered. */
  public int outstandingRequests() {
    return pending.size();
  }

  @Override
  public BlockingXenStore blocking() {
    return blocking;
  }

  // ---------------------------------------------------------------- the loop side

  @Override
  public boolean poll(long nowNanos) {
    boolean worked = false;
    Object item;
    while ((item = inbound.poll()) != null) {
      worked = true;
      if (item instanceof byte[] bytes) {
        receive(bytes);
      } else {
        fail(new XenStoreException(XsError.EIO, "xenstore connection closed", ((Closed) item).cause()));
      }
    }
    if (!pending.isEmpty()) {
      for (Pending p : List.copyOf(pending.values())) {
        if (p.deadline - nowNanos <= 0 && pending.remove(p.reqId, p)) {
          worked = true;
          p.future.completeExceptionally(new XenStoreTimeoutException("no reply to " + p.type + " (req_id "
              + Integer.toUnsignedString(p.reqId) + ") within " + timeout));
        }
      }
    }
    return worked;
  }

  @Override
  public long nextDeadlineNanos() {
    long next = NO_DEADLINE;
    for (Pending p : pending.values()) {
      next = Math.min(next, p.deadline);
    }
    return next;
  }

  /**
   * Sends one request; the stage completes on the loop with the reply (of the request's type) or
   * exceptionally with a {@link XenStoreException}, at the latest {@code timeout} after sending.
   */
  public CompletableFuture<XsMessage> request(XsMessageType type, int txId, byte[] payload) {
    return onLoop(() -> send(type, txId, payload));
  }

  /** Runs {@code op} on the loop; the returned stage completes there with its stage's outcome. */
  private <T> CompletableFuture<T> onLoop(Supplier<? extends CompletionStage<T>> op) {
    CompletableFuture<T> f = new CompletableFuture<>();
    bridge.post(() -> {
      try {
        op.get().whenComplete((v, e) -> {
          if (e != null) {
            f.completeExceptionally(XenStoreException.unwrap(e));
          } else {
            f.complete(v);
          }
        });
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  /** On the loop: sends a request. */
  private CompletableFuture<XsMessage> send(XsMessageType type, int txId, byte[] payload) {
    if (payload.length > transport.maxPayload()) {
      return CompletableFuture.failedFuture(new XenStoreException(XsError.E2BIG,
          type + " payload of " + payload.length + " bytes exceeds the limit of " + transport.maxPayload()));
    }
    XenStoreException broken = failure;
    if (broken != null) {
      return CompletableFuture.failedFuture(
          new XenStoreException(broken.errnoName(), type + " not sent: " + broken.getMessage(), broken));
    }
    CompletableFuture<XsMessage> f = new CompletableFuture<>();
    int reqId = nextReqId();
    Pending p = new Pending(type, reqId, f, loop.nowNanos() + timeout.toNanos());
    pending.put(reqId, p);
    byte[] bytes = new XsMessage(type, reqId, txId, payload).encode();
    try {
      transport.send(bytes, 0, bytes.length);
    } catch (RuntimeException e) {
      pending.remove(reqId);
      f.completeExceptionally(e instanceof XenStoreException x ? x
          : new XenStoreException(XsError.EIO, "sending " + type + " failed", e));
    }
    return f;
  }

  private int nextReqId() {
    while (true) {
      int id = nextReqId++;
      if (id != 0 && !pending.containsKey(id)) {
        return id;
      }
    }
  }

  private void receive(byte[] bytes) {
    List<XsFrameDecoder.Frame> frames = new ArrayList<>(2);
    MalformedXenStoreMessageException broken = null;
    try {
      decoder.feed(bytes, 0, bytes.length, frames::add);
    } catch (MalformedXenStoreMessageException e) {
      broken = e;
    }
    for (XsFrameDecoder.Frame f : frames) {
      dispatch(f);
    }
    if (broken != null) {
      malformed.incrementAndGet();
      fail(new XenStoreProtocolException("malformed xenstore stream: " + broken.getMessage(), broken));
      transport.close();
    }
  }

  private void dispatch(XsFrameDecoder.Frame frame) {
    XsHeader h = frame.header();
    if (h.type() == XsMessageType.WATCH_EVENT.code()) {
      deliverWatchEvent(frame.payload());
      return;
    }
    Pending p = pending.remove(h.reqId());
    if (p == null && h.reqId() == 0) {
      p = legacyWatchReply(h.type());
    }
    if (p == null) {
      unmatched.incrementAndGet();
      return;
    }
    XsMessageType type = h.messageType();
    if (type == null) {
      malformed.incrementAndGet();
      p.future.completeExceptionally(new XenStoreProtocolException(
          "reply to " + p.type + " has unknown type " + Integer.toUnsignedString(h.type()), null));
    } else if (type == XsMessageType.ERROR) {
      try {
        String name = XsPayloads.parseSingleString(frame.payload());
        p.future.completeExceptionally(new XenStoreException(name, p.type + " refused by xenstore"));
      } catch (MalformedXenStoreMessageException e) {
        malformed.incrementAndGet();
        p.future.completeExceptionally(new XenStoreProtocolException(
            "malformed error reply to " + p.type + ": " + e.getMessage(), e));
      }
    } else if (type != p.type) {
      malformed.incrementAndGet();
      p.future.completeExceptionally(new XenStoreProtocolException(
          "reply of type " + type + " to a " + p.type + " request", null));
    } else {
      p.future.complete(new XsMessage(type, h.reqId(), h.txId(), frame.payload()));
    }
  }

  /**
   * Older Linux kernels answer WATCH and UNWATCH on {@code /dev/xen/xenbus} themselves with
   * {@code req_id 0} (xen-abi.md 7.4): match such a reply to the oldest outstanding request of
   * that type.
   */
  private Pending legacyWatchReply(int type) {
    Pending oldest = null;
    for (Pending p : pending.values()) {
      boolean watchish = p.type == XsMessageType.WATCH || p.type == XsMessageType.UNWATCH;
      if (watchish && (type == p.type.code() || type == XsMessageType.ERROR.code())
          && (oldest == null || Integer.compareUnsigned(p.reqId - oldest.reqId, Integer.MAX_VALUE) > 0)) {
        oldest = p;
      }
    }
    return oldest != null && pending.remove(oldest.reqId, oldest) ? oldest : null;
  }

  private void deliverWatchEvent(byte[] payload) {
    XsWatchEvent ev;
    try {
      ev = XsWatchEvent.parse(payload);
    } catch (MalformedXenStoreMessageException e) {
      malformed.incrementAndGet();
      return;
    }
    List<WatchRegistration> regs = watches.get(ev.token());
    if (regs == null) {
      unmatched.incrementAndGet();
      return;
    }
    boolean any = false;
    for (WatchRegistration r : List.copyOf(regs)) {
      if (!related(ev.path(), r.path)) {
        continue; // the same token on another path: not this watch's event
      }
      any = true;
      if (r.active) {
        r.listener.onEvent(ev.path(), ev.token());
      }
    }
    if (!any) {
      unmatched.incrementAndGet();
    }
  }

  /**
   * Whether an event for {@code eventPath} can belong to a watch on {@code watchPath}: one is at
   * or below the other. (C xenstored reports the changed node, at or below the watch; oxenstored
   * reports a removed ancestor itself to the watches below it.) Special paths match only
   * themselves.
   */
  static boolean related(String eventPath, String watchPath) {
    return atOrBelow(eventPath, watchPath) || atOrBelow(watchPath, eventPath);
  }

  private static boolean atOrBelow(String path, String ancestor) {
    if (path.equals(ancestor)) {
      return true;
    }
    if (path.startsWith("@") || ancestor.startsWith("@")) {
      return false;
    }
    if (ancestor.equals("/")) {
      return path.startsWith("/");
    }
    return path.length() > ancestor.length() && path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/';
  }

  private void fail(XenStoreException cause) {
    if (failure == null) {
      failure = cause;
    }
    for (Integer id : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(id);
      if (p != null) {
        String what = p.type + " failed: " + cause.getMessage();
        p.future.completeExceptionally(cause instanceof XenStoreProtocolException
            ? new XenStoreProtocolException(what, cause)
            : new XenStoreException(cause.errnoName(), what, cause));
      }
    }
  }

  // ---------------------------------------------------------------- operations

  @Override
  public CompletionStage<byte[]> readBytes(String path) {
    return onLoop(() -> readBytes(0, path));
  }

  @Override
  public CompletionStage<Void> write(String path, byte[] value) {
    return onLoop(() -> write(0, path, value));
  }

  @Override
  public CompletionStage<Void> mkdir(String path) {
    return onLoop(() -> simple(XsMessageType.MKDIR, 0, XsPayloads.strings(XenStorePaths.check(path))));
  }

  @Override
  public CompletionStage<Void> rm(String path) {
    return onLoop(() -> simple(XsMessageType.RM, 0, XsPayloads.strings(XenStorePaths.check(path))));
  }

  @Override
  public CompletionStage<List<String>> directory(String path) {
    return onLoop(() -> directory(0, path));
  }

  @Override
  public CompletionStage<List<Permission>> getPerms(String path) {
    return onLoop(() -> getPerms(0, path));
  }

  @Override
  public CompletionStage<Void> setPerms(String path, List<Permission> perms) {
    return onLoop(() -> setPerms(0, path, perms));
  }

  @Override
  public CompletionStage<String> getDomainPath(int domid) {
    return onLoop(() -> send(XsMessageType.GET_DOMAIN_PATH, 0, XsPayloads.strings(Integer.toString(domid)))
        .thenApply(this::singleString));
  }

  @Override
  public CompletionStage<Watch> watch(String path, String token, WatchListener listener) {
    return onLoop(() -> {
      XenStorePaths.check(path);
      if (token.isEmpty() || token.indexOf('\0') >= 0) {
        throw new XenStoreException(XsError.EINVAL, "watch token must be non-empty and without NUL");
      }
      // Registered before the request: the first event follows the reply at once.
      WatchRegistration reg = new WatchRegistration(path, token, listener);
      watches.computeIfAbsent(token, t -> new ArrayList<>()).add(reg);
      return simple(XsMessageType.WATCH, 0, XsPayloads.strings(path, token)).handle((ok, e) -> {
        if (e != null) {
          reg.active = false;
          removeRegistration(reg);
          throw XenStoreException.propagate(XenStoreException.unwrap(e));
        }
        return (Watch) reg;
      });
    });
  }

  private void removeRegistration(WatchRegistration reg) {
    List<WatchRegistration> list = watches.get(reg.token);
    if (list != null) {
      list.remove(reg);
      if (list.isEmpty()) {
        watches.remove(reg.token);
      }
    }
  }

  @Override
  public CompletionStage<XenStoreTransaction> startTransaction() {
    return onLoop(this::startTransactionOnLoop);
  }

  private CompletableFuture<XenStoreTransaction> startTransactionOnLoop() {
    return send(XsMessageType.TRANSACTION_START, 0, XsPayloads.strings("")).thenApply(r -> {
      String id = singleString(r);
      try {
        long v = Long.parseLong(id);
        if (v <= 0 || v > 0xffff_ffffL) {
          throw new NumberFormatException();
        }
        return new Tx((int) v);
      } catch (NumberFormatException e) {
        malformed.incrementAndGet();
        throw new XenStoreProtocolException("TRANSACTION_START reply \"" + id + "\" is not a transaction id", e);
      }
    });
  }

  @Override
  public <T> CompletionStage<T> transaction(Function<XenStoreTransaction, ? extends CompletionStage<T>> body) {
    return onLoop(() -> attempt(body, 1, null));
  }

  /** One attempt of a transaction, composed on the loop: start, body, commit; again on EAGAIN. */
  private <T> CompletableFuture<T> attempt(
      Function<XenStoreTransaction, ? extends CompletionStage<T>> body, int attempt, XenStoreException last) {
    if (attempt > TRANSACTION_ATTEMPTS) {
      return CompletableFuture.failedFuture(new XenStoreException(XsError.EAGAIN,
          "transaction conflicted " + TRANSACTION_ATTEMPTS + " times; giving up", last));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    startTransactionOnLoop().whenComplete((tx, startFailure) -> {
      if (startFailure != null) {
        result.completeExceptionally(XenStoreException.unwrap(startFailure));
        return;
      }
      CompletionStage<T> stage;
      try {
        stage = body.apply(tx);
      } catch (Throwable t) {
        stage = CompletableFuture.failedFuture(t);
      }
      stage.whenComplete((value, bodyFailure) -> {
        if (bodyFailure != null) {
          Throwable cause = XenStoreException.unwrap(bodyFailure);
          tx.abort().whenComplete((x, abortFailure) -> {
            if (abortFailure != null) {
              cause.addSuppressed(XenStoreException.unwrap(abortFailure));
            }
            result.completeExceptionally(cause);
          });
          return;
        }
        tx.commit().whenComplete((x, commitFailure) -> {
          if (commitFailure == null) {
            result.complete(value);
            return;
          }
          Throwable c = XenStoreException.unwrap(commitFailure);
          if (c instanceof XenStoreException xe && xe.error() == XsError.EAGAIN
              && !(xe instanceof XenStoreProtocolException) && !(xe instanceof XenStoreTimeoutException)) {
            attempt(body, attempt + 1, xe).whenComplete((v, e) -> {
              if (e != null) {
                result.completeExceptionally(XenStoreException.unwrap(e));
              } else {
                result.complete(v);
              }
            });
          } else {
            result.completeExceptionally(c);
          }
        });
      });
    });
    return result;
  }

  /**
   * Closes the connection: later and outstanding requests fail, watches stop, the transport is
   * closed and the client leaves the loop. Any thread, also after the loop stopped.
   */
  @Override
  public void close() {
    XenStoreException closed = new XenStoreException(XsError.EIO, "xenstore client closed");
    if (failure == null) {
      failure = closed;
    }
    transport.close();
    registration.cancel();
    bridge.post(() -> {
      fail(closed);
      for (List<WatchRegistration> list : watches.values()) {
        for (WatchRegistration r : list) {
          r.active = false;
        }
      }
      watches.clear();
    });
  }

  private CompletableFuture<byte[]> readBytes(int txId, String path) {
    return send(XsMessageType.READ, txId, XsPayloads.strings(XenStorePaths.check(path))).thenApply(XsMessage::payload);
  }

  private CompletableFuture<Void> write(int txId, String path, byte[] value) {
    return simple(XsMessageType.WRITE, txId, XsPayloads.pathAndValue(XenStorePaths.check(path), value));
  }

  private CompletableFuture<List<String>> directory(int txId, String path) {
    XenStorePaths.check(path);
    return send(XsMessageType.DIRECTORY, txId, XsPayloads.strings(path)).handle((r, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(strings(r));
      }
      Throwable c = XenStoreException.unwrap(e);
      if (c instanceof XenStoreException x && x.error() == XsError.E2BIG && x.errnoName().equals("E2BIG")) {
        return directoryParts(txId, path, 0);
      }
      throw XenStoreException.propagate(c);
    }).thenCompose(Function.identity());
  }

  /** {@code XS_DIRECTORY_PART}: {@code gencount\0child\0...\0} pieces, restarted if the generation moves. */
  private CompletableFuture<List<String>> directoryParts(int txId, String path, int attempt) {
    if (attempt >= TRANSACTION_ATTEMPTS) {
      return CompletableFuture.failedFuture(
          new XenStoreException(XsError.EAGAIN, "directory " + path + " kept changing while listed"));
    }
    return directoryPart(txId, path, null, 0, new ArrayList<>())
        .thenCompose(out -> out == null ? directoryParts(txId, path, attempt + 1) : CompletableFuture.completedFuture(out));
  }

  /** One piece and the pieces after it; {@code null} when the generation moved (restart). */
  private CompletableFuture<List<String>> directoryPart(
      int txId, String path, String generation, int offset, List<String> out) {
    return send(XsMessageType.DIRECTORY_PART, txId, XsPayloads.strings(path, Integer.toString(offset)))
        .thenCompose(r -> {
          List<String> parts = strings(r);
          if (parts.isEmpty()) {
            malformed.incrementAndGet();
            throw new XenStoreProtocolException("DIRECTORY_PART reply without generation", null);
          }
          if (generation != null && !generation.equals(parts.get(0))) {
            return CompletableFuture.completedFuture(null);
          }
          // A reply ends with an empty string (an extra NUL) when the listing is complete.
          List<String> children = parts.subList(1, parts.size());
          boolean last = !children.isEmpty() && children.get(children.size() - 1).isEmpty();
          int next = offset;
          for (String c : children) {
            if (!c.isEmpty()) {
              out.add(c);
              next += c.getBytes(StandardCharsets.UTF_8).length + 1;
            }
          }
          if (last || children.isEmpty()) {
            return CompletableFuture.completedFuture(out);
          }
          return directoryPart(txId, path, parts.get(0), next, out);
        });
  }

  private CompletableFuture<List<Permission>> getPerms(int txId, String path) {
    return send(XsMessageType.GET_PERMS, txId, XsPayloads.strings(XenStorePaths.check(path))).thenApply(r -> {
      List<String> s = strings(r);
      List<Permission> out = new ArrayList<>(s.size());
      for (String p : s) {
        try {
          out.add(Permission.parse(p));
        } catch (IllegalArgumentException e) {
          malformed.incrementAndGet();
          throw new XenStoreProtocolException("GET_PERMS reply: " + e.getMessage(), e);
        }
      }
      if (out.isEmpty()) {
        malformed.incrementAndGet();
        throw new XenStoreProtocolException("GET_PERMS reply without an owner entry", null);
      }
      return out;
    });
  }

  private CompletableFuture<Void> setPerms(int txId, String path, List<Permission> perms) {
    if (perms.isEmpty()) {
      throw new XenStoreException(XsError.EINVAL, "a permission list needs at least the owner entry");
    }
    List<String> fields = new ArrayList<>(perms.size() + 1);
    fields.add(XenStorePaths.check(path));
    for (Permission p : perms) {
      fields.add(p.toString());
    }
    return simple(XsMessageType.SET_PERMS, txId, XsPayloads.strings(fields));
  }

  private CompletableFuture<Void> simple(XsMessageType type, int txId, byte[] payload) {
    return send(type, txId, payload).thenApply(r -> {
      try {
        XsPayloads.parseOk(r.payload());
        return null;
      } catch (MalformedXenStoreMessageException e) {
        malformed.incrementAndGet();
        throw new XenStoreProtocolException("reply to " + type + ": " + e.getMessage(), e);
      }
    });
  }

  private List<String> strings(XsMessage r) {
    try {
      return XsPayloads.parseStrings(r.payload());
    } catch (MalformedXenStoreMessageException e) {
      malformed.incrementAndGet();
      throw new XenStoreProtocolException("reply to " + r.type() + ": " + e.getMessage(), e);
    }
  }

  private String singleString(XsMessage r) {
    try {
      return XsPayloads.parseSingleString(r.payload());
    } catch (MalformedXenStoreMessageException e) {
      malformed.incrementAndGet();
      throw new XenStoreProtocolException("reply to " + r.type() + ": " + e.getMessage(), e);
    }
  }

  private record Pending(XsMessageType type, int reqId, CompletableFuture<XsMessage> future, long deadline) {}

  private final class WatchRegistration implements Watch {
    final String path;
    final String token;
    final WatchListener listener;
    volatile boolean active = true;

    WatchRegistration(String path, String token, WatchListener listener) {
      this.path = path;
      this.token = token;
      this.listener = listener;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String token() {
      return token;
    }

    @Override
    public void close() {
      if (!active) {
        return;
      }
      active = false;
      bridge.post(() -> {
        removeRegistration(this);
        if (failure == null) {
          send(XsMessageType.UNWATCH, 0, XsPayloads.strings(path, token)); // the reply is not awaited
        }
      });
    }
  }

  private final class Tx implements XenStoreTransaction {
    private final int id;
    private boolean ended; // loop only

    Tx(int id) {
      this.id = id;
    }

    @Override
    public int id() {
      return id;
    }

    @Override
    public CompletionStage<byte[]> readBytes(String path) {
      return onLoop(() -> XenStoreClient.this.readBytes(live(), path));
    }

    @Override
    public CompletionStage<Void> write(String path, byte[] value) {
      return onLoop(() -> XenStoreClient.this.write(live(), path, value));
    }

    @Override
    public CompletionStage<Void> mkdir(String path) {
      return onLoop(() -> simple(XsMessageType.MKDIR, live(), XsPayloads.strings(XenStorePaths.check(path))));
    }

    @Override
    public CompletionStage<Void> rm(String path) {
      return onLoop(() -> simple(XsMessageType.RM, live(), XsPayloads.strings(XenStorePaths.check(path))));
    }

    @Override
    public CompletionStage<List<String>> directory(String path) {
      return onLoop(() -> XenStoreClient.this.directory(live(), path));
    }

    @Override
    public CompletionStage<List<Permission>> getPerms(String path) {
      return onLoop(() -> XenStoreClient.this.getPerms(live(), path));
    }

    @Override
    public CompletionStage<Void> setPerms(String path, List<Permission> perms) {
      return onLoop(() -> XenStoreClient.this.setPerms(live(), path, perms));
    }

    @Override
    public CompletionStage<Void> commit() {
      return onLoop(() -> {
        int txId = live();
        ended = true;
        return simple(XsMessageType.TRANSACTION_END, txId, XsPayloads.strings("T"));
      });
    }

    @Override
    public CompletionStage<Void> abort() {
      return onLoop(() -> {
        if (ended) {
          return CompletableFuture.completedFuture(null);
        }
        ended = true;
        return simple(XsMessageType.TRANSACTION_END, id, XsPayloads.strings("F"));
      });
    }

    private int live() {
      if (ended) {
        throw new XenStoreException(XsError.EINVAL, "transaction " + Integer.toUnsignedString(id) + " already ended");
      }
      return id;
    }
  }
}
