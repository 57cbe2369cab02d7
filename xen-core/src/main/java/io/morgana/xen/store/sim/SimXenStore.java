package io.morgana.xen.store.sim;

import io.morgana.xen.evtchn.EventChannelException;
import io.morgana.xen.platform.Pages;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.XenStoreConnector;
import io.morgana.xen.store.Permission;
import io.morgana.xen.store.Permission.Access;
import io.morgana.xen.store.XenStoreClient;
import io.morgana.xen.store.XenStoreException;
import io.morgana.xen.store.XenStoreRingTransport;
import io.morgana.xen.store.XenStorePaths;
import io.morgana.xen.store.XenStoreTransport;
import io.morgana.xen.store.wire.MalformedXenStoreMessageException;
import io.morgana.xen.store.wire.XenStoreRingPage;
import io.morgana.xen.store.wire.XsError;
import io.morgana.xen.store.wire.XsFrameDecoder;
import io.morgana.xen.store.wire.XsHeader;
import io.morgana.xen.store.wire.XsMessage;
import io.morgana.xen.store.wire.XsMessageType;
import io.morgana.xen.store.wire.XsPayloads;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated XenStore server ({@code xenstored}). One instance serves every domain of a
 * simulated hypervisor; each domain talks to it over its own connection ({@link #transport} in
 * the JVM, or {@link #serveRing} over a {@code xenstore_domain_interface} page).
 *
 * <p>Rules, as in Xen's C {@code xenstored}:
 *
 * <ul>
 *   <li>Paths are absolute or relative to {@code /local/domain/<domid>}; see {@link
 *       XenStorePaths}.
 *   <li>Permissions: the first entry is the owner and the default for domains not listed; the
 *       owner and dom0 may do anything. A new node inherits its parent's permissions, owned by
 *       the creating domain unless that is dom0. Creating needs write access to the nearest
 *       existing ancestor; reading and listing need read access; only the owner (or dom0) sets
 *       permissions, and an unprivileged owner may not give the node away ({@code EPERM}).
 *   <li>Watches fire once at registration with the watched path, then on every change at or
 *       below the path (and for a watched node removed with an ancestor), only for domains that
 *       may read the changed node. A relative watch receives relative paths.
 *   <li>Transactions work on a snapshot of the tree; the commit fails with {@code EAGAIN} if any
 *       node the transaction read or wrote was changed by someone else meanwhile, otherwise its
 *       changes are applied together and their watches fire.
 *   <li>Quotas ({@link Limits}): nodes per domain, value size, watches and open transactions per
 *       connection; exceeding one is {@code ENOSPC} ({@code E2BIG} for watches).
 * </ul>
 *
 * <p>Thread-safe: requests from any thread are handled one at a time; replies and watch events
 * are delivered outside the store's lock, in order per connection.
 */
public final class SimXenStore {

  /** Quotas of the server (xenstored's {@code -e}, {@code -S}, {@code -W}, {@code -t} options). */
  public record Limits(int nodesPerDomain, int valueBytes, int watchesPerConnection, int transactionsPerConnection) {
    /** xenstored's defaults: 1000 nodes, 2048-byte values, 128 watches, 10 transactions. */
    public static final Limits DEFAULT = new Limits(1000, 2048, 128, 10);
  }

  private final Limits limits;
  private Node root;
  private long generation = 1;
  private int nextTxId = 1;
  private final List<WatchEntry> watches = new ArrayList<>();
  private final Set<Integer> introduced = new HashSet<>();
  private final AtomicInteger connections = new AtomicInteger();

  /** A store with the default limits, holding {@code /}, {@code /local} and {@code /local/domain} (owned by dom0, readable by all). */
  public SimXenStore() {
    this(Limits.DEFAULT);
  }

  /** A store with the given limits. */
  public SimXenStore(Limits limits) {
    this.limits = limits;
    root = new Node(List.of(new Permission(0, Access.NONE)), new byte[0], generation++);
    Node local = new Node(List.of(new Permission(0, Access.READ)), new byte[0], generation++);
    Node domain = new Node(List.of(new Permission(0, Access.READ)), new byte[0], generation++);
    root.children.put("local", local);
    local.children.put("domain", domain);
    introduced.add(0);
  }

  /**
   * Creates {@code /local/domain/<domid>} owned by the domain (others: none) with its {@code
   * domid} node, as the toolstack does, and fires {@code @introduceDomain}. Idempotent.
   */
  public void introduceDomain(int domid) {
    List<Connection> touched;
    synchronized (this) {
      Ctx ctx = new Ctx(null, 0, 0, root, null);
      String path = XenStorePaths.domainPath(domid);
      if (lookup(root, path) == null) {
        Node d = new Node(List.of(new Permission(domid, Access.NONE)), new byte[0], generation++);
        Node parent = lookup(root, "/local/domain");
        parent.children.put(Integer.toString(domid), d);
        parent.generation = generation++;
        ctx.changes.add(new Change(path, d.perms, false));
        writeNode(ctx, path + "/domid", Integer.toString(domid).getBytes(StandardCharsets.US_ASCII));
      }
      introduced.add(domid);
      ctx.changes.add(new Change(XenStorePaths.INTRODUCE_DOMAIN, List.of(new Permission(0, Access.READ)), false));
      touched = fire(ctx.changes);
    }
    flush(touched);
  }

  /** An in-JVM connection for {@code domid}: the transport of a {@link io.morgana.xen.store.XenStoreClient}. */
  public XenStoreTransport transport(int domid) {
    return new InJvmTransport(new Connection(domid));
  }

  /**
   * Serves {@code domid} over the {@code xenstore_domain_interface} page {@code page} (Xen {@code
   * io/xs_wire.h}); call {@link RingServer#onEvent()} whenever the guest notifies the store's
   * event channel. {@code notifyGuest} signals the guest's end after the server produced or
   * consumed bytes.
   */
  public RingServer serveRing(int domid, MemorySegment page, Runnable notifyGuest) {
    return new RingServer(new Connection(domid), XenStoreRingPage.wrap(page), notifyGuest);
  }

  /**
   * Plugs this store into a simulated hypervisor ({@code SimHypervisor.plugStore}): each domain
   * is introduced and gets a {@link XenStoreClient} over an in-JVM connection, its watch events
   * delivered on the domain's loop.
   */
  public XenStoreConnector inJvmConnector(Duration timeout) {
    return domain -> {
      introduceDomain(domain.domid());
      return new XenStoreClient(transport(domain.domid()), domain.loop(), timeout);
    };
  }

  /**
   * Plugs this store into a simulated hypervisor over real shared pages, as Xen does: each guest
   * gets a zeroed {@code xenstore_domain_interface} page of its own memory and an event channel
   * to {@code storeDomain} (where this server runs); the server reads and writes the guest's
   * page, and each side's notifications run the other's handler on its loop. The store domain
   * itself gets an in-JVM connection. Clients are asynchronous: a request from the guest's loop
   * completes when the store domain's loop has served it.
   */
  public XenStoreConnector ringConnector(SimDomain storeDomain, Duration timeout) {
    return guest -> {
      introduceDomain(guest.domid());
      if (guest.domid() == storeDomain.domid()) {
        // xenstored's own domain talks to it locally (a Unix socket in Xen), not through a ring.
        return new XenStoreClient(transport(guest.domid()), guest.loop(), timeout);
      }
      Pages page = guest.allocatePages(1);
      int guestPort = guest.events().allocUnbound(storeDomain.domid());
      int storePort = storeDomain.events().bindInterdomain(guest.domid(), guestPort);
      // Set when the connection ends: a side still finishing its last event may then find its
      // port closed under it, which is no error.
      AtomicBoolean ended = new AtomicBoolean();
      RingServer server = serveRing(guest.domid(), page.page(0), () -> doorbell(storeDomain, storePort, ended));
      XenStoreRingTransport transport =
          new XenStoreRingTransport(page.page(0), () -> doorbell(guest, guestPort, ended));
      storeDomain.events().setHandler(storePort, port -> server.onEvent());
      guest.events().setHandler(guestPort, port -> transport.onEvent());
      // Closing the guest's connection ends the server's too (xenstored drops a released
      // domain's connection: its watches and transactions go, its port is closed).
      XenStoreTransport closing = new DelegatingTransport(transport, () -> {
        ended.set(true);
        server.close();
        storeDomain.events().close(storePort);
      });
      return new XenStoreClient(closing, guest.loop(), timeout);
    };
  }

  private static void doorbell(SimDomain domain, int port, AtomicBoolean ended) {
    try {
      domain.events().notify(port);
    } catch (EventChannelException e) {
      if (!ended.get()) {
        throw e;
      }
    }
  }

  /** A transport that also runs {@code onClose} when closed. */
  private static final class DelegatingTransport implements XenStoreTransport {
    private final XenStoreTransport inner;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    DelegatingTransport(XenStoreTransport inner, Runnable onClose) {
      this.inner = inner;
      this.onClose = onClose;
    }

    @Override
    public void start(Receiver receiver) {
      inner.start(receiver);
    }

    @Override
    public void send(byte[] message, int offset, int length) {
      inner.send(message, offset, length);
    }

    @Override
    public void poll() {
      inner.poll();
    }

    @Override
    public int maxPayload() {
      return inner.maxPayload();
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        inner.close();
        onClose.run();
      }
    }
  }

  /** Open connections. */
  public int connectionCount() {
    return connections.get();
  }

  // ================================================================ request handling

  private void handle(Connection c, XsMessage m) {
    List<Connection> touched;
    synchronized (this) {
      List<byte[]> replies = new ArrayList<>(2);
      Ctx ctx = null;
      try {
        Tx tx = null;
        if (m.txId() != 0 && m.type() != XsMessageType.TRANSACTION_START) {
          tx = c.transactions.get(m.txId());
          if (tx == null) {
            throw new XenStoreException(XsError.ENOENT, "no transaction " + Integer.toUnsignedString(m.txId()));
          }
        }
        ctx = new Ctx(c, c.domid, m.txId(), tx == null ? root : tx.root, tx);
        byte[] reply = execute(c, ctx, m, replies);
        replies.add(0, new XsMessage(m.type(), m.reqId(), m.txId(), reply).encode());
      } catch (XenStoreException e) {
        replies.clear();
        replies.add(error(m, e.error()));
        ctx = null;
      } catch (MalformedXenStoreMessageException | IllegalArgumentException e) {
        replies.clear();
        replies.add(error(m, XsError.EINVAL));
        ctx = null;
      }
      c.out.addAll(replies);
      touched = new ArrayList<>();
      touched.add(c);
      // A transaction's own changes stay in its snapshot; a commit leaves pendingCommitChanges.
      List<Change> changes = ctx != null && ctx.tx == null ? ctx.changes : List.of();
      for (Connection t : fire(changes)) {
        if (t != c) {
          touched.add(t);
        }
      }
    }
    flush(touched);
  }

  private static byte[] error(XsMessage m, XsError e) {
    return new XsMessage(XsMessageType.ERROR, m.reqId(), m.txId(), XsPayloads.strings(e.name())).encode();
  }

  /** Executes one request; returns the reply payload. Extra messages (a watch's first event) go to {@code after}. */
  private byte[] execute(Connection c, Ctx ctx, XsMessage m, List<byte[]> after)
      throws MalformedXenStoreMessageException {
    byte[] p = m.payload();
    switch (m.type()) {
      case READ -> {
        String path = ctx.abs(XsPayloads.parseSingleString(p));
        Node n = readable(ctx, path);
        return n.value.clone();
      }
      case WRITE -> {
        XsPayloads.PathAndValue pv = XsPayloads.parsePathAndValue(p);
        writeNode(ctx, ctx.abs(pv.path()), pv.value());
        ctx.log(m);
        return XsPayloads.ok();
      }
      case MKDIR -> {
        String path = ctx.abs(XsPayloads.parseSingleString(p));
        ctx.observe(path);
        if (lookup(ctx.tree, path) == null) {
          writeNode(ctx, path, new byte[0]);
        }
        ctx.log(m);
        return XsPayloads.ok();
      }
      case RM -> {
        rm(ctx, ctx.abs(XsPayloads.parseSingleString(p)));
        ctx.log(m);
        return XsPayloads.ok();
      }
      case DIRECTORY -> {
        Node n = readable(ctx, ctx.abs(XsPayloads.parseSingleString(p)));
        byte[] out = XsPayloads.strings(new ArrayList<>(n.children.keySet()));
        if (out.length > XsHeader.PAYLOAD_MAX) {
          throw new XenStoreException(XsError.E2BIG, "directory listing too long");
        }
        return out;
      }
      case DIRECTORY_PART -> {
        List<String> f = XsPayloads.parseStrings(p);
        if (f.size() != 2) {
          throw new XenStoreException(XsError.EINVAL, "DIRECTORY_PART needs path and offset");
        }
        Node n = readable(ctx, ctx.abs(f.get(0)));
        return directoryPart(n, parseUnsigned(f.get(1)));
      }
      case GET_PERMS -> {
        Node n = readable(ctx, ctx.abs(XsPayloads.parseSingleString(p)));
        List<String> s = new ArrayList<>();
        for (Permission perm : n.perms) {
          s.add(perm.toString());
        }
        return XsPayloads.strings(s);
      }
      case SET_PERMS -> {
        List<String> f = XsPayloads.parseStrings(p);
        if (f.size() < 2) {
          throw new XenStoreException(XsError.EINVAL, "SET_PERMS needs a path and at least one permission");
        }
        String path = ctx.abs(f.get(0));
        List<Permission> perms = new ArrayList<>();
        for (String s : f.subList(1, f.size())) {
          perms.add(Permission.parse(s));
        }
        setPerms(ctx, path, List.copyOf(perms));
        ctx.log(m);
        return XsPayloads.ok();
      }
      case WATCH -> {
        List<String> f = XsPayloads.parseStrings(p);
        if (f.size() != 2) {
          throw new XenStoreException(XsError.EINVAL, "WATCH needs path and token");
        }
        String given = XenStorePaths.check(f.get(0));
        String path = given.startsWith("@") ? given : ctx.abs(given);
        for (WatchEntry w : watches) {
          if (w.conn == c && w.path.equals(path) && w.token.equals(f.get(1))) {
            throw new XenStoreException(XsError.EEXIST, "watch exists");
          }
        }
        if (c.watchCount >= limits.watchesPerConnection() && c.domid != 0) {
          throw new XenStoreException(XsError.E2BIG, "too many watches");
        }
        WatchEntry w = new WatchEntry(c, path, f.get(1), !given.startsWith("/") && !given.startsWith("@"));
        watches.add(w);
        c.watchCount++;
        after.add(watchEvent(given, w.token));
        return XsPayloads.ok();
      }
      case UNWATCH -> {
        List<String> f = XsPayloads.parseStrings(p);
        if (f.size() != 2) {
          throw new XenStoreException(XsError.EINVAL, "UNWATCH needs path and token");
        }
        String given = XenStorePaths.check(f.get(0));
        String path = given.startsWith("@") ? given : ctx.abs(given);
        boolean removed = watches.removeIf(w -> w.conn == c && w.path.equals(path) && w.token.equals(f.get(1)));
        if (!removed) {
          throw new XenStoreException(XsError.ENOENT, "no such watch");
        }
        c.watchCount--;
        return XsPayloads.ok();
      }
      case RESET_WATCHES -> {
        watches.removeIf(w -> w.conn == c);
        c.watchCount = 0;
        return XsPayloads.ok();
      }
      case TRANSACTION_START -> {
        if (m.txId() != 0) {
          throw new XenStoreException(XsError.EBUSY, "nested transaction");
        }
        if (c.transactions.size() >= limits.transactionsPerConnection() && c.domid != 0) {
          throw new XenStoreException(XsError.ENOSPC, "too many transactions");
        }
        int id = nextTxId++;
        if (nextTxId == 0) {
          nextTxId = 1;
        }
        c.transactions.put(id, new Tx(id, root.deepCopy()));
        return XsPayloads.strings(Integer.toUnsignedString(id));
      }
      case TRANSACTION_END -> {
        String verb = XsPayloads.parseSingleString(p);
        if (ctx.tx == null || !(verb.equals("T") || verb.equals("F"))) {
          throw new XenStoreException(XsError.EINVAL, "TRANSACTION_END needs a transaction and T or F");
        }
        c.transactions.remove(ctx.tx.id);
        if (verb.equals("T")) {
          commit(c, ctx.tx);
        }
        return XsPayloads.ok();
      }
      case GET_DOMAIN_PATH -> {
        int domid = parseUnsigned(XsPayloads.parseSingleString(p));
        return XsPayloads.strings(XenStorePaths.domainPath(domid));
      }
      case INTRODUCE, RELEASE, RESUME, SET_TARGET -> {
        if (c.domid != 0) {
          throw new XenStoreException(XsError.EACCES, m.type() + " is for dom0");
        }
        List<String> f = XsPayloads.parseStrings(p);
        if (f.isEmpty()) {
          throw new XenStoreException(XsError.EINVAL, "missing domid");
        }
        int domid = parseUnsigned(f.get(0));
        if (m.type() == XsMessageType.INTRODUCE) {
          introduced.add(domid);
          ctx.changes.add(new Change(XenStorePaths.INTRODUCE_DOMAIN, List.of(new Permission(0, Access.READ)), false));
        } else if (m.type() == XsMessageType.RELEASE) {
          introduced.remove(domid);
          ctx.changes.add(new Change(XenStorePaths.RELEASE_DOMAIN, List.of(new Permission(0, Access.READ)), false));
        }
        return XsPayloads.ok();
      }
      case IS_DOMAIN_INTRODUCED -> {
        int domid = parseUnsigned(XsPayloads.parseSingleString(p));
        return XsPayloads.strings(introduced.contains(domid) ? "T" : "F");
      }
      case CONTROL -> throw new XenStoreException(XsError.ENOSYS, "no control commands");
      case WATCH_EVENT, ERROR -> throw new XenStoreException(XsError.EINVAL, m.type() + " is not a request");
    }
    throw new XenStoreException(XsError.EINVAL, "unhandled " + m.type());
  }

  private static int parseUnsigned(String s) {
    if (s.isEmpty() || s.length() > 10) {
      throw new XenStoreException(XsError.EINVAL, "not a number: \"" + s + "\"");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new XenStoreException(XsError.EINVAL, "not a number: \"" + s + "\"");
      }
      v = v * 10 + (ch - '0');
    }
    if (v > Integer.MAX_VALUE) {
      throw new XenStoreException(XsError.EINVAL, "number too large: " + s);
    }
    return (int) v;
  }

  private static byte[] directoryPart(Node n, int offset) {
    List<String> out = new ArrayList<>();
    out.add(Long.toString(n.generation));
    int size = out.get(0).length() + 1;
    int pos = 0;
    boolean complete = true;
    for (String child : n.children.keySet()) {
      int len = child.getBytes(StandardCharsets.UTF_8).length + 1;
      if (pos >= offset) {
        if (size + len + 1 > XsHeader.PAYLOAD_MAX) {
          complete = false;
          break;
        }
        out.add(child);
        size += len;
      }
      pos += len;
    }
    if (complete) {
      out.add("");
    }
    return XsPayloads.strings(out);
  }

  private byte[] watchEvent(String path, String token) {
    return new XsMessage(XsMessageType.WATCH_EVENT, 0, 0, XsPayloads.strings(path, token)).encode();
  }

  // ================================================================ tree operations

  private Node readable(Ctx ctx, String path) {
    ctx.observe(path);
    Node n = lookup(ctx.tree, path);
    if (n == null) {
      throw new XenStoreException(XsError.ENOENT, path);
    }
    if (!access(ctx.domid, n.perms).canRead()) {
      throw new XenStoreException(XsError.EACCES, path);
    }
    return n;
  }

  private void writeNode(Ctx ctx, String path, byte[] value) {
    if (value.length > limits.valueBytes() && ctx.domid != 0) {
      throw new XenStoreException(XsError.ENOSPC, "value of " + value.length + " bytes over quota");
    }
    ctx.observe(path);
    Node n = lookup(ctx.tree, path);
    if (n != null) {
      if (!access(ctx.domid, n.perms).canWrite()) {
        throw new XenStoreException(XsError.EACCES, path);
      }
      n.value = value;
      n.generation = generation++;
      ctx.changes.add(new Change(path, n.perms, false));
      return;
    }
    if (path.equals("/")) {
      throw new XenStoreException(XsError.EINVAL, "/");
    }
    // Find the nearest existing ancestor and check it may be written.
    List<String> missing = new ArrayList<>();
    String p = path;
    Node ancestor;
    while (true) {
      missing.add(0, p);
      String parent = parentOf(p);
      ancestor = lookup(ctx.tree, parent);
      if (ancestor != null) {
        ctx.observe(parent);
        break;
      }
      p = parent;
    }
    if (!access(ctx.domid, ancestor.perms).canWrite()) {
      throw new XenStoreException(XsError.EACCES, "cannot create " + path);
    }
    if (ctx.domid != 0 && countOwned(ctx.tree, ctx.domid) + missing.size() > limits.nodesPerDomain()) {
      throw new XenStoreException(XsError.ENOSPC, "node quota of domain " + ctx.domid);
    }
    Node parent = ancestor;
    for (String m : missing) {
      ctx.observe(m);
      List<Permission> perms = new ArrayList<>(parent.perms);
      if (ctx.domid != 0) {
        perms.set(0, new Permission(ctx.domid, perms.get(0).access()));
      }
      Node child = new Node(List.copyOf(perms), m.equals(path) ? value : new byte[0], generation++);
      parent.children.put(lastComponent(m), child);
      parent.generation = generation++;
      ctx.changes.add(new Change(m, child.perms, false));
      parent = child;
    }
  }

  private void rm(Ctx ctx, String path) {
    if (path.equals("/")) {
      throw new XenStoreException(XsError.EINVAL, "cannot remove /");
    }
    ctx.observe(path);
    Node n = lookup(ctx.tree, path);
    String parentPath = parentOf(path);
    ctx.observe(parentPath);
    Node parent = lookup(ctx.tree, parentPath);
    if (n == null) {
      if (parent == null) {
        throw new XenStoreException(XsError.ENOENT, path);
      }
      return;
    }
    if (!access(ctx.domid, n.perms).canWrite()) {
      throw new XenStoreException(XsError.EACCES, path);
    }
    parent.children.remove(lastComponent(path));
    parent.generation = generation++;
    ctx.changes.add(new Change(path, n.perms, true));
  }

  private void setPerms(Ctx ctx, String path, List<Permission> perms) {
    ctx.observe(path);
    Node n = lookup(ctx.tree, path);
    if (n == null) {
      throw new XenStoreException(XsError.ENOENT, path);
    }
    if (ctx.domid != 0 && n.perms.get(0).domid() != ctx.domid) {
      throw new XenStoreException(XsError.EACCES, "only the owner may set permissions of " + path);
    }
    if (ctx.domid != 0 && perms.get(0).domid() != ctx.domid) {
      throw new XenStoreException(XsError.EPERM, "domain " + ctx.domid + " may not give " + path + " away");
    }
    List<Permission> old = n.perms;
    n.perms = perms;
    n.generation = generation++;
    ctx.changes.add(new Change(path, old, false));
    ctx.changes.add(new Change(path, perms, false));
  }

  private void commit(Connection c, Tx tx) {
    for (Map.Entry<String, Long> e : tx.observed.entrySet()) {
      Node now = lookup(root, e.getKey());
      long gen = now == null ? -1 : now.generation;
      if (gen != e.getValue()) {
        throw new XenStoreException(XsError.EAGAIN, "transaction " + tx.id + " conflicts at " + e.getKey());
      }
    }
    // Nothing it touched changed: replaying its log on the live tree gives the snapshot's
    // result, except for quotas, which count nodes the transaction never touched (the domain's
    // other writes meanwhile). Replay on a copy and install it only if every step succeeds: a
    // commit is all or nothing, and its error (ENOSPC) is the reply.
    Node next = root.deepCopy();
    Ctx live = new Ctx(c, c.domid, 0, next, null);
    for (XsMessage m : tx.log) {
      try {
        execute(c, live, m, new ArrayList<>());
      } catch (MalformedXenStoreMessageException e) {
        // It was parsed once already, for the snapshot: a bug we surface.
        throw new IllegalStateException("replaying " + m + " failed", e);
      }
    }
    root = next;
    pendingCommitChanges = live.changes;
  }

  private List<Change> pendingCommitChanges;

  private static int countOwned(Node n, int domid) {
    int count = n.perms.get(0).domid() == domid ? 1 : 0;
    for (Node c : n.children.values()) {
      count += countOwned(c, domid);
    }
    return count;
  }

  static Access access(int domid, List<Permission> perms) {
    if (domid == 0 || perms.get(0).domid() == domid) {
      return Access.BOTH;
    }
    for (int i = 1; i < perms.size(); i++) {
      if (perms.get(i).domid() == domid) {
        return perms.get(i).access();
      }
    }
    return perms.get(0).access();
  }

  private static Node lookup(Node root, String path) {
    if (path.equals("/")) {
      return root;
    }
    Node n = root;
    int i = 1;
    while (n != null && i <= path.length()) {
      int j = path.indexOf('/', i);
      if (j < 0) {
        j = path.length();
      }
      n = n.children.get(path.substring(i, j));
      i = j + 1;
    }
    return n;
  }

  private static String parentOf(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  private static String lastComponent(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  // ================================================================ watches

  /** Queues the events of {@code changes}; returns the connections that got some. */
  private List<Connection> fire(List<Change> changes) {
    if (changes.isEmpty() && pendingCommitChanges == null) {
      return List.of();
    }
    if (pendingCommitChanges != null) {
      changes = new ArrayList<>(changes);
      changes.addAll(pendingCommitChanges);
      pendingCommitChanges = null;
    }
    Set<Connection> touched = new LinkedHashSet<>();
    Set<List<Object>> sent = new HashSet<>();
    for (Change ch : changes) {
      for (WatchEntry w : watches) {
        String eventPath = null;
        if (isAtOrBelow(ch.path, w.path)) {
          eventPath = ch.path;
        } else if (ch.removed && isAtOrBelow(w.path, ch.path)) {
          eventPath = w.path;
        }
        if (eventPath == null) {
          continue;
        }
        if (!ch.path.startsWith("@") && !access(w.conn.domid, ch.perms).canRead()) {
          continue;
        }
        String shown = w.relative ? relativize(eventPath, w.conn.domid) : eventPath;
        if (!sent.add(List.of(w, shown))) {
          continue;
        }
        w.conn.out.add(watchEvent(shown, w.token));
        touched.add(w.conn);
      }
    }
    return new ArrayList<>(touched);
  }

  private static boolean isAtOrBelow(String path, String ancestor) {
    if (ancestor.startsWith("@") || path.startsWith("@")) {
      return path.equals(ancestor);
    }
    return path.equals(ancestor) || ancestor.equals("/")
        || (path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/');
  }

  private static String relativize(String path, int domid) {
    String prefix = XenStorePaths.domainPath(domid) + "/";
    return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
  }

  private void flush(List<Connection> touched) {
    for (Connection c : touched) {
      c.flush();
    }
  }

  // ================================================================ state

  private static final class Node {
    List<Permission> perms;
    byte[] value;
    long generation;
    final TreeMap<String, Node> children = new TreeMap<>();

    Node(List<Permission> perms, byte[] value, long generation) {
      this.perms = perms;
      this.value = value;
      this.generation = generation;
    }

    Node deepCopy() {
      Node n = new Node(perms, value, generation);
      for (Map.Entry<String, Node> e : children.entrySet()) {
        n.children.put(e.getKey(), e.getValue().deepCopy());
      }
      return n;
    }
  }

  private record Change(String path, List<Permission> perms, boolean removed) {}

  private record WatchEntry(Connection conn, String path, String token, boolean relative) {}

  private static final class Tx {
    final int id;
    final Node root;
    /** Generation of each node the transaction touched, when first touched (-1: absent). */
    final Map<String, Long> observed = new LinkedHashMap<>();
    final List<XsMessage> log = new ArrayList<>();

    Tx(int id, Node root) {
      this.id = id;
      this.root = root;
    }
  }

  /** The context of one request: who, on which tree, in which transaction, and what changed. */
  private final class Ctx {
    final int domid;
    final Node tree;
    final Tx tx;
    final List<Change> changes = new ArrayList<>();

    Ctx(Connection c, int domid, int txId, Node tree, Tx tx) {
      this.domid = domid;
      this.tree = tree;
      this.tx = tx;
    }

    String abs(String path) {
      XenStorePaths.check(path);
      if (path.startsWith("@")) {
        throw new XenStoreException(XsError.EINVAL, "special path " + path + " is only for watches");
      }
      if (path.startsWith("/")) {
        return path;
      }
      String abs = XenStorePaths.domainPath(domid) + "/" + path;
      return XenStorePaths.check(abs);
    }

    void observe(String path) {
      if (tx != null && !tx.observed.containsKey(path)) {
        Node n = lookup(tx.root, path);
        tx.observed.put(path, n == null ? -1L : n.generation);
      }
    }

    void log(XsMessage m) {
      if (tx != null) {
        tx.log.add(new XsMessage(m.type(), m.reqId(), 0, m.payload()));
      }
    }
  }

  /** One domain's connection: its transactions, watches and queued output. */
  private final class Connection {
    final int domid;
    final Map<Integer, Tx> transactions = new HashMap<>();
    int watchCount;
    final ConcurrentLinkedQueue<byte[]> out = new ConcurrentLinkedQueue<>();
    final AtomicInteger flushing = new AtomicInteger();
    volatile Outlet outlet;

    Connection(int domid) {
      this.domid = domid;
      connections.incrementAndGet();
    }

    /** Delivers queued output in order; one thread at a time, the others leave it work. */
    void flush() {
      if (flushing.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        Outlet o = outlet;
        if (o != null) {
          o.drain(out);
        }
        missed = flushing.addAndGet(-missed);
      } while (missed != 0);
    }

    void close() {
      synchronized (SimXenStore.this) {
        watches.removeIf(w -> w.conn == this);
        transactions.clear();
      }
      connections.decrementAndGet();
    }
  }

  private interface Outlet {
    void drain(ConcurrentLinkedQueue<byte[]> out);
  }

  /** A domain's in-JVM connection: bytes in, replies delivered synchronously or by the thread that produced them. */
  private final class InJvmTransport implements XenStoreTransport {
    private final Connection conn;
    private final XsFrameDecoder decoder = new XsFrameDecoder();
    private volatile boolean closed;
    private volatile Receiver receiver;

    InJvmTransport(Connection conn) {
      this.conn = conn;
    }

    @Override
    public void start(Receiver receiver) {
      this.receiver = receiver;
      conn.outlet = out -> {
        byte[] b;
        while ((b = out.poll()) != null) {
          if (!closed) {
            receiver.onBytes(b, 0, b.length);
          }
        }
      };
    }

    @Override
    public void send(byte[] message, int offset, int length) {
      if (closed) {
        throw new XenStoreException(XsError.EIO, "xenstore connection closed");
      }
      List<XsFrameDecoder.Frame> frames = new ArrayList<>(1);
      synchronized (decoder) {
        try {
          decoder.feed(message, offset, length, frames::add);
        } catch (MalformedXenStoreMessageException e) {
          close();
          throw new XenStoreException(XsError.EIO, "xenstore dropped the connection: " + e.getMessage());
        }
      }
      for (XsFrameDecoder.Frame f : frames) {
        XsMessage m;
        try {
          m = f.message();
        } catch (MalformedXenStoreMessageException e) {
          conn.out.add(new XsMessage(XsMessageType.ERROR, f.header().reqId(), f.header().txId(),
              XsPayloads.strings(XsError.EINVAL.name())).encode());
          conn.flush();
          continue;
        }
        handle(conn, m);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      conn.close();
      Receiver r = receiver;
      if (r != null) {
        r.onClosed(null);
      }
    }
  }

  /**
   * The server end of a {@code xenstore_domain_interface} ring. {@link #onEvent()} reads requests,
   * handles them and writes replies and watch events as far as the response ring has room;
   * output that does not fit waits for the next event (the guest notifies after consuming).
   */
  public final class RingServer {
    private final Connection conn;
    private final XenStoreRingPage page;
    private final Runnable notifyGuest;
    private final XsFrameDecoder decoder = new XsFrameDecoder();
    private final AtomicInteger wip = new AtomicInteger();
    private final byte[] chunk = new byte[XenStoreRingPage.RING_SIZE];
    private byte[] partial;
    private int partialOffset;
    private volatile boolean failed;
    private volatile boolean closed;

    RingServer(Connection conn, XenStoreRingPage page, Runnable notifyGuest) {
      this.conn = conn;
      this.page = page;
      this.notifyGuest = notifyGuest;
      page.set(XenStoreRingPage.SERVER_FEATURES_OFFSET,
          XenStoreRingPage.SERVER_FEATURE_RECONNECTION | XenStoreRingPage.SERVER_FEATURE_ERROR);
      conn.outlet = out -> writeOut(out);
    }

    /** Whether a protocol violation made the server stop serving this ring (see the page's {@code error}). */
    public boolean failed() {
      return failed;
    }

    /**
     * Stops serving the ring and ends the connection: its watches and transactions are dropped
     * (what xenstored does when the domain is released). Idempotent.
     */
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      failed = true;
      conn.outlet = null;
      conn.out.clear();
      conn.close();
    }

    /** The guest notified the store's event channel. Any thread; reentrant calls are folded into the running one. */
    public void onEvent() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        serveOnce();
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private void serveOnce() {
      if (failed) {
        return;
      }
      try {
        if (page.get(XenStoreRingPage.CONNECTION_OFFSET) == XenStoreRingPage.RECONNECT) {
          reset();
          return;
        }
        boolean consumed = false;
        int n;
        while ((n = page.readRequest(chunk, 0, chunk.length)) > 0) {
          consumed = true;
          List<XsFrameDecoder.Frame> frames = new ArrayList<>();
          decoder.feed(chunk, 0, n, frames::add);
          for (XsFrameDecoder.Frame f : frames) {
            XsMessage m;
            try {
              m = f.message();
            } catch (MalformedXenStoreMessageException e) {
              conn.out.add(new XsMessage(XsMessageType.ERROR, f.header().reqId(), f.header().txId(),
                  XsPayloads.strings(XsError.EINVAL.name())).encode());
              continue;
            }
            handle(conn, m);
          }
        }
        conn.flush();
        if (consumed) {
          notifyGuest.run();
        }
      } catch (MalformedXenStoreMessageException e) {
        failed = true;
        page.set(XenStoreRingPage.ERROR_OFFSET,
            e.getMessage().contains("indices") ? XenStoreRingPage.ERROR_RINGIDX : XenStoreRingPage.ERROR_PROTO);
        notifyGuest.run();
      }
    }

    private void reset() {
      synchronized (SimXenStore.this) {
        watches.removeIf(w -> w.conn == conn);
        conn.transactions.clear();
        conn.watchCount = 0;
      }
      conn.out.clear();
      partial = null;
      page.set(XenStoreRingPage.REQ_CONS_OFFSET, page.get(XenStoreRingPage.REQ_PROD_OFFSET));
      page.set(XenStoreRingPage.RSP_PROD_OFFSET, page.get(XenStoreRingPage.RSP_CONS_OFFSET));
      page.set(XenStoreRingPage.CONNECTION_OFFSET, XenStoreRingPage.CONNECTED);
      notifyGuest.run();
    }

    private void writeOut(ConcurrentLinkedQueue<byte[]> out) {
      boolean wrote = false;
      try {
        while (true) {
          if (partial == null) {
            partial = out.poll();
            partialOffset = 0;
            if (partial == null) {
              break;
            }
          }
          int n = page.writeResponse(partial, partialOffset, partial.length - partialOffset);
          wrote |= n > 0;
          partialOffset += n;
          if (partialOffset < partial.length) {
            break;
          }
          partial = null;
        }
      } catch (MalformedXenStoreMessageException e) {
        failed = true;
        page.set(XenStoreRingPage.ERROR_OFFSET, XenStoreRingPage.ERROR_RINGIDX);
      }
      if (wrote) {
        notifyGuest.run();
      }
    }
  }
}
