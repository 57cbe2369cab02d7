package io.morgana.xen.store.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.xen.store.Permission;
import io.morgana.xen.store.Permission.Access;
import io.morgana.xen.store.Watch;
import io.morgana.xen.store.BlockingXenStore;
import io.morgana.xen.store.XenStoreClient;
import io.morgana.xen.store.XenStoreException;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.store.wire.XsError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulated xenstored through real clients: every operation, permissions, watches, transactions, quotas. */
class SimXenStoreTest {

  private DeterministicLoop loop;
  private SimXenStore store;
  private BlockingXenStore dom0;
  private BlockingXenStore dom1;
  private BlockingXenStore dom2;

  @BeforeEach
  void setUp() {
    loop = new DeterministicLoop();
    store = new SimXenStore();
    store.introduceDomain(1);
    store.introduceDomain(2);
    dom0 = client(0);
    dom1 = client(1);
    dom2 = client(2);
  }

  private BlockingXenStore client(int domid) {
    return new XenStoreClient(store.transport(domid), loop, Duration.ofSeconds(10)).blocking();
  }

  private static XsError errorOf(Runnable r) {
    return assertThrows(XenStoreException.class, r::run).error();
  }

  @Test
  void readWriteRoundTripAndMissingParentsAreCreated() {
    dom0.write("/a/b/c", "hello");
    assertEquals("hello", dom0.read("/a/b/c"));
    assertEquals("", dom0.read("/a/b"));
    assertEquals(List.of("b"), dom0.directory("/a"));
    assertArrayEquals(new byte[] {1, 2, 0, 3}, roundTrip(new byte[] {1, 2, 0, 3}));
  }

  private byte[] roundTrip(byte[] v) {
    dom0.write("/bin", v);
    return dom0.readBytes("/bin");
  }

  @Test
  void readOfMissingNodeIsEnoent() {
    assertEquals(XsError.ENOENT, errorOf(() -> dom0.read("/nope")));
    assertEquals(Optional.empty(), dom0.readIfExists("/nope"));
  }

  @Test
  void relativePathsResolveUnderTheDomainPath() {
    dom1.write("data/x", "1");
    assertEquals("1", dom0.read("/local/domain/1/data/x"));
    assertEquals("1", dom1.read("domid"));
    assertEquals("/local/domain/7", dom1.getDomainPath(7));
  }

  @Test
  void mkdirCreatesEmptyNodeAndIsIdempotent() {
    dom0.mkdir("/m/n");
    dom0.mkdir("/m/n");
    assertEquals("", dom0.read("/m/n"));
    dom0.write("/m/n", "v");
    dom0.mkdir("/m/n");
    assertEquals("v", dom0.read("/m/n"));
  }

  @Test
  void rmIsRecursiveToleratesAbsentNodeButNotAbsentParent() {
    dom0.write("/r/a/b", "1");
    dom0.write("/r/a/c", "2");
    dom0.rm("/r/a");
    assertEquals(List.of(), dom0.directory("/r"));
    dom0.rm("/r/a");
    assertEquals(XsError.ENOENT, errorOf(() -> dom0.rm("/r/x/y")));
    assertEquals(XsError.EINVAL, errorOf(() -> dom0.rm("/")));
  }

  @Test
  void directoryListsChildrenAndLongListsComeInParts() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String name = "child-with-a-long-name-" + String.format("%04d", i);
      expected.add(name);
      dom0.mkdir("/big/" + name);
    }
    // 400 * 29 bytes > 4096: DIRECTORY answers E2BIG and the client pages with DIRECTORY_PART.
    assertEquals(expected, dom0.directory("/big"));
  }

  @Test
  void newNodesInheritParentPermissionsOwnedByTheCreator() {
    dom0.mkdir("/shared");
    dom0.setPerms("/shared", List.of(new Permission(0, Access.READ), new Permission(1, Access.BOTH)));
    dom1.write("/shared/x", "1");
    assertEquals(List.of(new Permission(1, Access.READ), new Permission(1, Access.BOTH)), dom0.getPerms("/shared/x"));
    dom0.write("/shared/y", "1");
    assertEquals(List.of(new Permission(0, Access.READ), new Permission(1, Access.BOTH)), dom0.getPerms("/shared/y"));
  }

  @Test
  void permissionDenials() {
    dom0.write("/private", "secret");
    assertEquals(List.of(new Permission(0, Access.NONE)), dom0.getPerms("/private"));
    assertEquals(XsError.EACCES, errorOf(() -> dom1.read("/private")));
    assertEquals(XsError.EACCES, errorOf(() -> dom1.write("/private", "x")));
    assertEquals(XsError.EACCES, errorOf(() -> dom1.write("/private/child", "x")));
    assertEquals(XsError.EACCES, errorOf(() -> dom1.rm("/private")));
    assertEquals(XsError.EACCES, errorOf(() -> dom1.directory("/private")));
    assertEquals(XsError.EACCES, errorOf(() -> dom1.getPerms("/private")));
    assertEquals(XsError.EACCES, errorOf(() -> dom1.setPerms("/private", List.of(new Permission(1, Access.BOTH)))));
    // Another domain's home is closed; one's own is open.
    assertEquals(XsError.EACCES, errorOf(() -> dom2.read("/local/domain/1/domid")));
    assertEquals(XsError.EACCES, errorOf(() -> dom2.write("/local/domain/1/x", "y")));
    dom1.write("/local/domain/1/x", "y");
    // Read-only grant: dom2 may read but not write.
    dom1.setPerms("x", List.of(new Permission(1, Access.NONE), new Permission(2, Access.READ)));
    assertEquals("y", dom2.read("/local/domain/1/x"));
    assertEquals(XsError.EACCES, errorOf(() -> dom2.write("/local/domain/1/x", "z")));
    // An unprivileged owner cannot give a node away.
    assertEquals(XsError.EPERM, errorOf(() -> dom1.setPerms("x", List.of(new Permission(2, Access.NONE)))));
    // dom0 sees everything.
    assertEquals("y", dom0.read("/local/domain/1/x"));
  }

  @Test
  void invalidPathsAreRefused() {
    assertEquals(XsError.EINVAL, errorOf(() -> dom0.read("/a//b")));
    assertEquals(XsError.EINVAL, errorOf(() -> dom0.read("/a/")));
    assertEquals(XsError.EINVAL, errorOf(() -> dom0.read("/a b")));
    assertEquals(XsError.EINVAL, errorOf(() -> dom0.read("/" + "x".repeat(3072))));
    assertEquals(XsError.EINVAL, errorOf(() -> dom1.read("x".repeat(2049))));
  }

  @Test
  void watchFiresAtRegistrationAndOnChangesAtOrBelow() {
    List<String> events = new ArrayList<>();
    dom0.watch("/w", "tok", (path, token) -> events.add(path + " " + token));
    loop.runUntilIdle();
    assertEquals(List.of("/w tok"), events);
    events.clear();
    dom0.write("/w", "1");
    dom0.write("/w/a/b", "2");
    dom0.write("/other", "3");
    dom0.write("/wx", "4");
    loop.runUntilIdle();
    assertEquals(List.of("/w tok", "/w/a tok", "/w/a/b tok"), events);
  }

  @Test
  void sameTokenOnTwoPathsReachesOnlyTheWatchOfTheChangedPath() {
    // xenstored allows one token on several paths; each event must reach only the listener of
    // the watch it belongs to.
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    dom0.watch("/ta", "same", (path, token) -> a.add(path));
    dom0.watch("/tb", "same", (path, token) -> b.add(path));
    loop.runUntilIdle();
    a.clear();
    b.clear();
    dom0.write("/ta/x", "1");
    dom0.write("/tb/y", "1");
    loop.runUntilIdle();
    assertEquals(List.of("/ta", "/ta/x"), a);
    assertEquals(List.of("/tb", "/tb/y"), b);
  }

  @Test
  void watchOnNodeBelowARemovedSubtreeFires() {
    dom0.write("/t/a/b", "1");
    List<String> events = new ArrayList<>();
    dom0.watch("/t/a/b", "deep", (p, t) -> events.add(p));
    loop.runUntilIdle();
    events.clear();
    dom0.rm("/t");
    loop.runUntilIdle();
    assertEquals(List.of("/t/a/b"), events);
  }

  @Test
  void relativeWatchReceivesRelativePaths() {
    List<String> events = new ArrayList<>();
    dom1.watch("device", "rel", (p, t) -> events.add(p));
    dom1.write("device/vif/0/state", "1");
    loop.runUntilIdle();
    assertEquals(List.of("device", "device", "device/vif", "device/vif/0", "device/vif/0/state"), events);
  }

  @Test
  void watchEventsOnlyForNodesTheWatcherMayRead() {
    List<String> events = new ArrayList<>();
    dom2.watch("/local/domain/1", "peek", (p, t) -> events.add(p));
    loop.runUntilIdle();
    events.clear();
    dom1.write("private", "x");
    loop.runUntilIdle();
    assertEquals(List.of(), events);
    dom1.write("public", "x");
    dom1.setPerms("public", List.of(new Permission(1, Access.READ)));
    loop.runUntilIdle();
    assertEquals(List.of("/local/domain/1/public"), events, "set_perms making it readable");
    dom1.write("public", "y");
    loop.runUntilIdle();
    assertEquals(List.of("/local/domain/1/public", "/local/domain/1/public"), events);
  }

  @Test
  void unwatchStopsEventsAndDuplicateOrUnknownWatchesAreErrors() {
    AtomicInteger count = new AtomicInteger();
    Watch w = dom0.watch("/u", "t", (p, t) -> count.incrementAndGet());
    assertEquals(XsError.EEXIST, errorOf(() -> dom0.watch("/u", "t", (p, t) -> {})));
    loop.runUntilIdle();
    assertEquals(1, count.get());
    w.close();
    dom0.write("/u", "x");
    loop.runUntilIdle();
    assertEquals(1, count.get());
  }

  @Test
  void specialWatchIntroduceDomain() {
    List<String> events = new ArrayList<>();
    dom0.watch("@introduceDomain", "intro", (p, t) -> events.add(p));
    store.introduceDomain(5);
    loop.runUntilIdle();
    assertEquals(List.of("@introduceDomain", "@introduceDomain"), events);
    assertEquals("5", dom0.read("/local/domain/5/domid"));
  }

  @Test
  void transactionIsIsolatedUntilCommit() {
    dom0.write("/tx/a", "0");
    List<String> events = new ArrayList<>();
    dom0.watch("/tx", "w", (p, t) -> events.add(p));
    loop.runUntilIdle();
    events.clear();
    BlockingXenStore.Transaction tx = dom0.startTransaction();
    tx.write("/tx/a", "1");
    tx.write("/tx/b", "2");
    assertEquals("1", tx.read("/tx/a"));
    assertEquals("0", dom0.read("/tx/a"));
    assertEquals(XsError.ENOENT, errorOf(() -> dom0.read("/tx/b")));
    loop.runUntilIdle();
    assertEquals(List.of(), events);
    tx.commit();
    assertEquals("1", dom0.read("/tx/a"));
    assertEquals("2", dom0.read("/tx/b"));
    loop.runUntilIdle();
    assertEquals(List.of("/tx/a", "/tx/b"), events);
  }

  @Test
  void abortedTransactionChangesNothing() {
    BlockingXenStore.Transaction tx = dom0.startTransaction();
    tx.write("/ab", "1");
    tx.abort();
    assertEquals(XsError.ENOENT, errorOf(() -> dom0.read("/ab")));
  }

  @Test
  void conflictingCommitIsEagain() {
    dom0.write("/c", "0");
    BlockingXenStore.Transaction tx = dom0.startTransaction();
    assertEquals("0", tx.read("/c"));
    tx.write("/d", "x");
    dom1.write("/local/domain/1/unrelated", "z");
    dom0.write("/c", "other writer");
    assertEquals(XsError.EAGAIN, errorOf(tx::commit));
    assertEquals(XsError.ENOENT, errorOf(() -> dom0.read("/d")));
  }

  @Test
  void unrelatedWritesDoNotConflict() {
    dom0.write("/e", "0");
    BlockingXenStore.Transaction tx = dom0.startTransaction();
    tx.write("/e", "1");
    dom0.write("/f", "other");
    tx.commit();
    assertEquals("1", dom0.read("/e"));
  }

  @Test
  void transactionHelperRetriesOnEagain() {
    dom0.write("/counter", "0");
    AtomicInteger attempts = new AtomicInteger();
    int result = dom0.transaction(tx -> {
      int v = Integer.parseInt(tx.read("/counter"));
      if (attempts.incrementAndGet() < 3) {
        dom1.write("/local/domain/1/noise", "n"); // unrelated: no conflict by itself
        dom0.write("/counter", Integer.toString(v + 100)); // conflicts
      }
      tx.write("/counter", Integer.toString(v + 1));
      return attempts.get();
    });
    assertEquals(3, result);
    assertEquals("201", dom0.read("/counter"));
  }

  @Test
  void transactionHelperGivesUpAfterBoundedAttempts() {
    dom0.write("/hot", "0");
    AtomicInteger attempts = new AtomicInteger();
    XenStoreException e = assertThrows(XenStoreException.class, () -> dom0.transaction(tx -> {
      attempts.incrementAndGet();
      tx.read("/hot");
      dom0.write("/hot", "x" + attempts.get());
      tx.write("/hot", "mine");
      return null;
    }));
    assertEquals(XsError.EAGAIN, e.error());
    assertEquals(16, attempts.get());
  }

  @Test
  void unknownTransactionIdIsEnoent() {
    BlockingXenStore.Transaction tx = dom0.startTransaction();
    tx.commit();
    assertEquals(XsError.EINVAL, errorOf(() -> tx.read("/x")));
    // The raw protocol: a request naming a transaction that does not exist.
    var f = ((XenStoreClient) dom0.async()).request(io.morgana.xen.store.wire.XsMessageType.READ, 12345,
        io.morgana.xen.store.wire.XsPayloads.strings("/"));
    loop.runUntilIdle();
    var ex = assertThrows(java.util.concurrent.CompletionException.class, f::join);
    assertEquals(XsError.ENOENT, ((XenStoreException) ex.getCause()).error());
  }

  @Test
  void quotas() {
    SimXenStore small = new SimXenStore(new SimXenStore.Limits(10, 16, 2, 1));
    small.introduceDomain(3);
    BlockingXenStore c = new XenStoreClient(small.transport(3), loop, Duration.ofSeconds(10)).blocking();
    assertEquals(XsError.ENOSPC, errorOf(() -> c.write("v", "x".repeat(17))));
    for (int i = 0; i < 8; i++) {
      c.write("n" + i, "1");
    }
    assertEquals(XsError.ENOSPC, errorOf(() -> c.write("n9/a/b", "1")));
    c.watch("w1", "a", (p, t) -> {});
    c.watch("w2", "a", (p, t) -> {});
    assertEquals(XsError.E2BIG, errorOf(() -> c.watch("w3", "a", (p, t) -> {})));
    BlockingXenStore.Transaction tx = c.startTransaction();
    assertEquals(XsError.ENOSPC, errorOf(c::startTransaction));
    tx.abort();
    c.startTransaction().abort();
  }

  @Test
  void commitThatNoLongerFitsTheQuotaFailsWholeWithEnospc() {
    // Domain 3 may own 10 nodes: /local/domain/3, its domid node, a, a/x, b = 5.
    SimXenStore small = new SimXenStore(new SimXenStore.Limits(10, 16, 2, 1));
    small.introduceDomain(3);
    BlockingXenStore c = new XenStoreClient(small.transport(3), loop, Duration.ofSeconds(10)).blocking();
    c.write("a/x", "1");
    c.mkdir("b");
    BlockingXenStore.Transaction tx = c.startTransaction();
    tx.write("a/t1", "1");
    tx.write("a/t2", "1"); // 7 in the transaction's snapshot
    for (int i = 0; i < 4; i++) {
      c.write("b/" + i, "1"); // 9 outside it, below a node the transaction never touched
    }
    // No conflict, but applying the transaction now would make 11 nodes: the commit fails as a
    // whole with the quota error, and none of its writes is applied.
    XenStoreException e = assertThrows(XenStoreException.class, tx::commit);
    assertEquals(XsError.ENOSPC, e.error(), e.getMessage());
    assertEquals(Optional.empty(), c.readIfExists("a/t1"));
    assertEquals(Optional.empty(), c.readIfExists("a/t2"));
    assertEquals(List.of("x"), c.directory("a"));
    c.write("b/4", "1"); // the connection still works
  }

  @Test
  void domainIntroductionQueries() {
    var f = ((XenStoreClient) dom0.async()).request(io.morgana.xen.store.wire.XsMessageType.IS_DOMAIN_INTRODUCED, 0,
        io.morgana.xen.store.wire.XsPayloads.strings("1"));
    loop.runUntilIdle();
    assertArrayEquals(new byte[] {'T', 0}, f.join().payload());
    var g = ((XenStoreClient) dom0.async()).request(io.morgana.xen.store.wire.XsMessageType.IS_DOMAIN_INTRODUCED, 0,
        io.morgana.xen.store.wire.XsPayloads.strings("99"));
    loop.runUntilIdle();
    assertArrayEquals(new byte[] {'F', 0}, g.join().payload());
    var h = ((XenStoreClient) dom1.async()).request(io.morgana.xen.store.wire.XsMessageType.INTRODUCE, 0,
        io.morgana.xen.store.wire.XsPayloads.strings("9", "123", "4"));
    loop.runUntilIdle();
    var ex = assertThrows(java.util.concurrent.CompletionException.class, h::join);
    assertEquals(XsError.EACCES, ((XenStoreException) ex.getCause()).error());
  }

  @Test
  void resetWatchesRemovesAll() {
    AtomicInteger count = new AtomicInteger();
    dom0.watch("/rw", "t", (p, t) -> count.incrementAndGet());
    loop.runUntilIdle();
    var reset = ((XenStoreClient) dom0.async()).request(io.morgana.xen.store.wire.XsMessageType.RESET_WATCHES, 0,
        io.morgana.xen.store.wire.XsPayloads.strings(""));
    loop.runUntilIdle();
    reset.join();
    dom0.write("/rw", "1");
    loop.runUntilIdle();
    assertEquals(1, count.get());
    assertFalse(count.get() > 1);
    assertTrue(store.connectionCount() >= 3);
  }
}
