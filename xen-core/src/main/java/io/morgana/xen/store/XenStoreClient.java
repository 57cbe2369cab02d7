package io.morgana.xen.store;

import io.morgana.runtime.EventLoop;
import io.morgana.xen.store.wire.MalformedXenStoreMessageException;
import io.morgana.xen.store.wire.XsError;
import io.morgana.xen.store.wire.XsFrameDecoder;
import io.morgana.xen.store.wire.XsHeader;
import io.morgana.xen.store.wire.XsMessage;
import io.morgana.xen.store.wire.XsMessageType;
import io.morgana.xen.store.wire.XsPayloads;
import io.morgana.xen.store.wire.XsWatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The XenStore client of Xen {@code io/xs_wire.h} over any {@link XenStoreTransport}.
 *
 * <ul>
 *   <li>Every request gets a fresh non-zero {@code req_id}; replies are routed by {@code req_id},
 *       so several threads may have requests outstanding and replies may come in any order.
 *   <li>{@code XS_WATCH_EVENT}s ({@code req_id 0}) interleave with replies; they are handed to
 *       the watch's listener through {@link EventLoop#execute}.
 *   <li>An {@code XS_ERROR} reply becomes a {@link XenStoreException} named by its string.
 *   <li>A malformed reply (unknown type, missing NUL, a type other than the request's) fails
 *       that request with {@link XenStoreProtocolException}; a header whose length exceeds
 *       {@code XENSTORE_PAYLOAD_MAX} breaks the stream, failing every outstanding and later
 *       request. Replies to no outstanding request are counted and dropped.
 *   <li>A request without reply fails with {@link XenStoreTimeoutException} after the timeout:
 *       blocking calls wait at most that long (real time); {@link #request} futures time out on
 *       the loop's clock.
 * </ul>
 */
public final class XenStoreClient implements XenStore {

  private final XenStoreTransport transport;
  private final EventLoop loop;
  private final Duration timeout;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final Object receiveLock = new Object();
  private final XsFrameDecoder decoder = new XsFrameDecoder();
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, List<WatchRegistration>> watches = new ConcurrentHashMap<>();
  private final AtomicInteger nextReqId = new AtomicInteger(1);
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong unmatched = new AtomicLong();
  private volatile XenStoreException failure;

  /**
   * A client over {@code transport}, delivering watch events on {@code loop}, failing requests
   * unanswered for {@code timeout}. Starts the transport.
   */
  public XenStoreClient(XenStoreTransport transport, EventLoop loop, Duration timeout) {
    this.transport = transport;
    this.loop = loop;
    this.timeout = timeout;
    transport.start(new XenStoreTransport.Receiver() {
      @Override
      public void onBytes(byte[] buf, int offset, int length) {
        receive(buf, offset, length);
      }

      @Override
      public void onClosed(Throwable cause) {
        fail(new XenStoreException(XsError.EIO, "xenstore connection closed", cause));
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

  // ---------------------------------------------------------------- the asynchronous core

  /**
   * Sends one request; the future completes with the reply (of the request's type) or
   * exceptionally with a {@link XenStoreException}. It times out {@code timeout} after sending,
   * on the loop's clock.
   */
  public CompletableFuture<XsMessage> request(XsMessageType type, int txId, byte[] payload) {
    return send(type, txId, payload, true);
  }

  /** Sends; with {@code loopTimeout} the future times out on the loop's clock (blocking callers wait with a timeout instead). */
  private CompletableFuture<XsMessage> send(XsMessageType type, int txId, byte[] payload, boolean loopTimeout) {
    CompletableFuture<XsMessage> f = new CompletableFuture<>();
    if (payload.length > transport.maxPayload()) {
      f.completeExceptionally(new XenStoreException(XsError.E2BIG,
          type + " payload of " + payload.length + " bytes exceeds the limit of " + transport.maxPayload()));
      return f;
    }
    XenStoreException broken = failure;
    if (broken != null) {
      f.completeExceptionally(new XenStoreException(broken.errnoName(), type + " not sent: " + broken.getMessage(), broken));
      return f;
    }
    int reqId = nextReqId();
    Pending p = new Pending(type, reqId, f);
    pending.put(reqId, p);
    broken = failure;
    if (broken != null) {
      pending.remove(reqId);
      f.completeExceptionally(new XenStoreException(broken.errnoName(), type + " not sent: " + broken.getMessage(), broken));
      return f;
    }
    byte[] bytes = new XsMessage(type, reqId, txId, payload).encode();
    sendLock.lock();
    try {
      transport.send(bytes, 0, bytes.length);
    } catch (RuntimeException e) {
      pending.remove(reqId);
      f.completeExceptionally(e instanceof XenStoreException x ? x
          : new XenStoreException(XsError.EIO, "sending " + type + " failed", e));
      return f;
    } finally {
      sendLock.unlock();
    }
    if (loopTimeout && !f.isDone()) {
      EventLoop.Cancellable timer = loop.schedule(loop.nowNanos() + timeout.toNanos(), () -> {
        if (pending.remove(reqId, p)) {
          f.completeExceptionally(timedOut(type, reqId));
        }
      });
      f.whenComplete((m, e) -> timer.cancel());
    }
    return f;
  }

  private int nextReqId() {
    while (true) {
      int id = nextReqId.getAndIncrement();
      if (id != 0 && !pending.containsKey(id)) {
        return id;
      }
    }
  }

  private XenStoreTimeoutException timedOut(XsMessageType type, int reqId) {
    return new XenStoreTimeoutException(
        "no reply to " + type + " (req_id " + Integer.toUnsignedString(reqId) + ") within " + timeout);
  }

  private XsMessage call(XsMessageType type, int txId, byte[] payload) {
    CompletableFuture<XsMessage> f = send(type, txId, payload, false);
    try {
      if (!f.isDone() && loop.inLoop()) {
        awaitOnLoop(f);
      }
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.completeExceptionally(new XenStoreTimeoutException("gave up"));
      pending.values().removeIf(p -> p.future == f);
      throw new XenStoreTimeoutException("no reply to " + type + " within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.values().removeIf(p -> p.future == f);
      throw new XenStoreException(XsError.EIO, "interrupted waiting for " + type, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof XenStoreException x) {
        // Rethrow as a fresh exception of the same kind so the caller's stack is in the trace.
        throw rethrown(x);
      }
      throw new XenStoreException(XsError.EIO, type + " failed", e.getCause());
    }
  }

  /**
   * A blocking call on the loop thread: the transport's notification handler cannot run while we
   * wait, so poll the transport until the reply is there or the timeout passes.
   */
  private void awaitOnLoop(CompletableFuture<XsMessage> f)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!f.isDone()) {
      transport.poll();
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException();
      }
      try {
        f.get(Math.min(left, 200_000L), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // poll again
      }
    }
  }

  private static XenStoreException rethrown(XenStoreException x) {
    XenStoreException r;
    if (x instanceof XenStoreTimeoutException) {
      r = new XenStoreTimeoutException(x.getMessage().substring("ETIMEDOUT: ".length()));
    } else if (x instanceof XenStoreProtocolException) {
      r = new XenStoreProtocolException(x.getMessage().substring("EIO: ".length()), x.getCause());
    } else {
      r = new XenStoreException(x.errnoName(), x.getMessage().substring(x.errnoName().length() + 2), x.getCause());
    }
    return r;
  }

  // ---------------------------------------------------------------- receiving

  private void receive(byte[] buf, int offset, int length) {
    List<XsFrameDecoder.Frame> frames = new ArrayList<>(2);
    MalformedXenStoreMessageException broken = null;
    synchronized (receiveLock) {
      try {
        decoder.feed(buf, offset, length, frames::add);
      } catch (MalformedXenStoreMessageException e) {
        broken = e;
      }
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
    for (WatchRegistration r : regs) {
      if (!related(ev.path(), r.path)) {
        continue; // the same token on another path: not this watch's event
      }
      any = true;
      loop.execute(() -> {
        if (r.active) {
          r.listener.onEvent(ev.path(), ev.token());
        }
      });
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
  public byte[] readBytes(String path) {
    return readBytes(0, path);
  }

  @Override
  public void write(String path, byte[] value) {
    write(0, path, value);
  }

  @Override
  public void mkdir(String path) {
    simple(XsMessageType.MKDIR, 0, XsPayloads.strings(XenStorePaths.check(path)));
  }

  @Override
  public void rm(String path) {
    simple(XsMessageType.RM, 0, XsPayloads.strings(XenStorePaths.check(path)));
  }

  @Override
  public List<String> directory(String path) {
    return directory(0, path);
  }

  @Override
  public List<Permission> getPerms(String path) {
    return getPerms(0, path);
  }

  @Override
  public void setPerms(String path, List<Permission> perms) {
    setPerms(0, path, perms);
  }

  @Override
  public String getDomainPath(int domid) {
    XsMessage r = call(XsMessageType.GET_DOMAIN_PATH, 0, XsPayloads.strings(Integer.toString(domid)));
    return singleString(r);
  }

  @Override
  public Watch watch(String path, String token, WatchListener listener) {
    XenStorePaths.check(path);
    if (token.isEmpty() || token.indexOf('\0') >= 0) {
      throw new XenStoreException(XsError.EINVAL, "watch token must be non-empty and without NUL");
    }
    WatchRegistration reg = new WatchRegistration(path, token, listener);
    watches.computeIfAbsent(token, t -> new CopyOnWriteArrayList<>()).add(reg);
    try {
      simple(XsMessageType.WATCH, 0, XsPayloads.strings(path, token));
    } catch (RuntimeException e) {
      reg.active = false;
      removeRegistration(reg);
      throw e;
    }
    return reg;
  }

  private void removeRegistration(WatchRegistration reg) {
    watches.computeIfPresent(reg.token, (t, list) -> {
      list.remove(reg);
      return list.isEmpty() ? null : list;
    });
  }

  @Override
  public XenStoreTransaction startTransaction() {
    XsMessage r = call(XsMessageType.TRANSACTION_START, 0, XsPayloads.strings(""));
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
  }

  @Override
  public <T> T transaction(TransactionBody<T> body) {
    XenStoreException last = null;
    for (int attempt = 1; attempt <= TRANSACTION_ATTEMPTS; attempt++) {
      Tx tx = (Tx) startTransaction();
      T result;
      try {
        result = body.run(tx);
      } catch (RuntimeException | Error e) {
        abortQuietly(tx, e);
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
        "transaction conflicted " + TRANSACTION_ATTEMPTS + " times; giving up", last);
  }

  private static void abortQuietly(Tx tx, Throwable cause) {
    try {
      tx.abort();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public void close() {
    fail(new XenStoreException(XsError.EIO, "xenstore client closed"));
    for (List<WatchRegistration> list : watches.values()) {
      for (WatchRegistration r : list) {
        r.active = false;
      }
    }
    watches.clear();
    transport.close();
  }

  private byte[] readBytes(int txId, String path) {
    return call(XsMessageType.READ, txId, XsPayloads.strings(XenStorePaths.check(path))).payload();
  }

  private void write(int txId, String path, byte[] value) {
    simple(XsMessageType.WRITE, txId, XsPayloads.pathAndValue(XenStorePaths.check(path), value));
  }

  private List<String> directory(int txId, String path) {
    XenStorePaths.check(path);
    try {
      return strings(call(XsMessageType.DIRECTORY, txId, XsPayloads.strings(path)));
    } catch (XenStoreException e) {
      if (e.error() != XsError.E2BIG || !e.errnoName().equals("E2BIG")) {
        throw e;
      }
    }
    return directoryParts(txId, path);
  }

  /** {@code XS_DIRECTORY_PART}: {@code gencount\0child\0...\0} pieces, restarted if the generation moves. */
  private List<String> directoryParts(int txId, String path) {
    for (int attempt = 0; attempt < TRANSACTION_ATTEMPTS; attempt++) {
      List<String> out = new ArrayList<>();
      String generation = null;
      int offset = 0;
      boolean restart = false;
      while (true) {
        XsMessage r = call(XsMessageType.DIRECTORY_PART, txId, XsPayloads.strings(path, Integer.toString(offset)));
        List<String> parts = strings(r);
        if (parts.isEmpty()) {
          malformed.incrementAndGet();
          throw new XenStoreProtocolException("DIRECTORY_PART reply without generation", null);
        }
        if (generation == null) {
          generation = parts.get(0);
        } else if (!generation.equals(parts.get(0))) {
          restart = true;
          break;
        }
        // A reply ends with an empty string (an extra NUL) when the listing is complete.
        List<String> children = parts.subList(1, parts.size());
        boolean last = !children.isEmpty() && children.get(children.size() - 1).isEmpty();
        for (String c : children) {
          if (!c.isEmpty()) {
            out.add(c);
            offset += c.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
          }
        }
        if (last || children.isEmpty()) {
          return out;
        }
      }
      if (!restart) {
        return out;
      }
    }
    throw new XenStoreException(XsError.EAGAIN, "directory " + path + " kept changing while listed");
  }

  private List<Permission> getPerms(int txId, String path) {
    List<String> s = strings(call(XsMessageType.GET_PERMS, txId, XsPayloads.strings(XenStorePaths.check(path))));
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
  }

  private void setPerms(int txId, String path, List<Permission> perms) {
    if (perms.isEmpty()) {
      throw new XenStoreException(XsError.EINVAL, "a permission list needs at least the owner entry");
    }
    List<String> fields = new ArrayList<>(perms.size() + 1);
    fields.add(XenStorePaths.check(path));
    for (Permission p : perms) {
      fields.add(p.toString());
    }
    simple(XsMessageType.SET_PERMS, txId, XsPayloads.strings(fields));
  }

  private void simple(XsMessageType type, int txId, byte[] payload) {
    XsMessage r = call(type, txId, payload);
    try {
      XsPayloads.parseOk(r.payload());
    } catch (MalformedXenStoreMessageException e) {
      malformed.incrementAndGet();
      throw new XenStoreProtocolException("reply to " + type + ": " + e.getMessage(), e);
    }
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

  private record Pending(XsMessageType type, int reqId, CompletableFuture<XsMessage> future) {}

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
      removeRegistration(this);
      if (failure == null) {
        simple(XsMessageType.UNWATCH, 0, XsPayloads.strings(path, token));
      }
    }
  }

  private final class Tx implements XenStoreTransaction {
    private final int id;
    private boolean ended;

    Tx(int id) {
      this.id = id;
    }

    @Override
    public int id() {
      return id;
    }

    @Override
    public byte[] readBytes(String path) {
      return XenStoreClient.this.readBytes(live(), path);
    }

    @Override
    public void write(String path, byte[] value) {
      XenStoreClient.this.write(live(), path, value);
    }

    @Override
    public void mkdir(String path) {
      simple(XsMessageType.MKDIR, live(), XsPayloads.strings(XenStorePaths.check(path)));
    }

    @Override
    public void rm(String path) {
      simple(XsMessageType.RM, live(), XsPayloads.strings(XenStorePaths.check(path)));
    }

    @Override
    public List<String> directory(String path) {
      return XenStoreClient.this.directory(live(), path);
    }

    @Override
    public List<Permission> getPerms(String path) {
      return XenStoreClient.this.getPerms(live(), path);
    }

    @Override
    public void setPerms(String path, List<Permission> perms) {
      XenStoreClient.this.setPerms(live(), path, perms);
    }

    @Override
    public void commit() {
      int txId = live();
      ended = true;
      simple(XsMessageType.TRANSACTION_END, txId, XsPayloads.strings("T"));
    }

    @Override
    public void abort() {
      if (ended) {
        return;
      }
      ended = true;
      simple(XsMessageType.TRANSACTION_END, id, XsPayloads.strings("F"));
    }

    private int live() {
      if (ended) {
        throw new XenStoreException(XsError.EINVAL, "transaction " + Integer.toUnsignedString(id) + " already ended");
      }
      return id;
    }
  }
}
