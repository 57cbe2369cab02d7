package io.morgana.testkit.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.FixtureRunner;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;

/**
 * Needs root and iproute2 (skipped otherwise, failed with -Dmorgana.interop=required). Uses only
 * 192.0.2.0/24 inside namespaces the tests create; never touches the root namespace.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class NetworkNamespaceExtensionTest {

  private static final List<String> USED = new CopyOnWriteArrayList<>();

  private NetworkNamespace fromBeforeEach;

  @BeforeEach
  void remember(NetworkNamespace ns) {
    fromBeforeEach = ns;
  }

  @AfterAll
  static void everyNamespaceIsGoneAfterItsTest() throws Exception {
    String list = NetworkNamespace.run(NetworkNamespace.DEFAULT_TIMEOUT, List.of("ip", "netns", "list")).stdout();
    for (String name : USED) {
      assertFalse(list.contains(name), name + " still exists: " + list);
      assertFalse(Files.exists(Path.of("/var/run/netns", name)));
    }
  }

  @Test
  void createsAUniquelyNamedNamespaceWithLoopbackUp(NetworkNamespace ns) {
    USED.add(ns.name());
    assertSame(fromBeforeEach, ns, "one namespace per test");
    assertTrue(ns.name().matches("morgana-[0-9a-f]{8}"), ns.name());
    assertTrue(ns.exists());
    String lo = ns.execOk("ip", "-o", "link", "show", "lo").stdout();
    assertTrue(lo.contains("UP"), lo);
    ExecResult r = ns.exec("sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, r.exitCode());
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
    AssertionError e = assertThrows(AssertionError.class, () -> ns.execOk("sh", "-c", "echo boom >&2; exit 1"));
    assertTrue(e.getMessage().contains("boom"), e.getMessage());
  }

  @Test
  void vethPairBetweenTwoNamespacesCarriesPing(NetworkNamespace ns) {
    USED.add(ns.name());
    HostTools.require("ping");
    try (NetworkNamespace peer = NetworkNamespace.create()) {
      USED.add(peer.name());
      String a = "mga" + ns.name().substring(8, 14);
      String b = "mgb" + ns.name().substring(8, 14);
      ns.execOk("ip", "link", "add", a, "type", "veth", "peer", "name", b, "netns", peer.name());
      ns.execOk("ip", "addr", "add", "192.0.2.1/24", "dev", a);
      peer.execOk("ip", "addr", "add", "192.0.2.2/24", "dev", b);
      ns.execOk("ip", "link", "set", a, "up");
      peer.execOk("ip", "link", "set", b, "up");
      ExecResult ping = ns.execOk("ping", "-c", "2", "-i", "0.2", "-W", "5", "192.0.2.2");
      assertTrue(ping.stdout().contains("2 received"), ping.stdout());
      // The root namespace never saw the devices.
      String root = NetworkNamespace.run(NetworkNamespace.DEFAULT_TIMEOUT, List.of("ip", "-o", "link")).stdout();
      assertFalse(root.contains(a) || root.contains(b), root);
    }
  }

  @Test
  void callInsideRunsJavaCodeOnAThreadInTheNamespace(NetworkNamespace ns) throws Exception {
    USED.add(ns.name());
    String dev = "mgd" + ns.name().substring(8, 16);
    ns.execOk("ip", "link", "add", dev, "type", "veth", "peer", "name", "mge" + ns.name().substring(8, 16));
    ns.execOk("ip", "addr", "add", "192.0.2.9/24", "dev", dev);
    ns.execOk("ip", "link", "set", dev, "up");
    // /proc/self is per process (the main thread's namespace); /proc/thread-self is this thread's.
    String inside = ns.callInside(() -> Files.readString(Path.of("/proc/thread-self/net/dev")));
    String outside = Files.readString(Path.of("/proc/thread-self/net/dev"));
    assertTrue(inside.contains(dev + ":"), inside);
    assertFalse(outside.contains(dev + ":"), outside);
    List<String> names = ns.callInside(() ->
        Collections.list(NetworkInterface.getNetworkInterfaces()).stream().map(NetworkInterface::getName).toList());
    assertTrue(names.contains(dev), names.toString());
    assertTrue(names.contains("lo"), names.toString());
    assertEquals(3, names.size(), "only lo and the veth pair exist inside: " + names);
    // A thread started inside inherits the namespace (a kernel loop started there reads its TAP).
    String fromChild = ns.callInside(() -> {
      String[] seen = new String[1];
      Thread child = Thread.ofPlatform().start(() -> {
        try {
          seen[0] = Files.readString(Path.of("/proc/thread-self/net/dev"));
        } catch (java.io.IOException e) {
          seen[0] = e.toString();
        }
      });
      child.join();
      return seen[0];
    });
    assertTrue(fromChild.contains(dev + ":"), fromChild);
    // Exceptions of the task come back as they were.
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ns.callInside(() -> { throw new IllegalStateException("from inside"); }));
    assertEquals("from inside", e.getMessage());
  }

  @Test
  void closeKillsStartedProcessesAndDeletesTheNamespace() throws Exception {
    HostTools.require("ip");
    HostTools.requireRoot();
    NetworkNamespace ns = NetworkNamespace.create();
    Process p = ns.start("sleep", "300");
    assertTrue(p.isAlive());
    ns.close();
    ns.close();
    assertFalse(p.isAlive());
    assertFalse(ns.exists());
    assertThrows(IllegalStateException.class, () -> ns.exec("true"));
  }

  @Test
  void namespaceIsDeletedEvenWhenTheTestFails() {
    HostTools.require("ip");
    HostTools.requireRoot();
    NamespaceFixtures.NAMES.clear();
    NamespaceFixtures.PIDS.clear();
    List<FixtureRunner.Outcome> outcomes = FixtureRunner.run(NamespaceFixtures.Failing.class);
    FixtureRunner.Outcome o = FixtureRunner.find(outcomes, "failsAfterStartingAProcess");
    assertEquals(TestExecutionResult.Status.FAILED, o.status(), outcomes.toString());
    assertInstanceOf(AssertionError.class, o.throwable());
    assertEquals(1, NamespaceFixtures.NAMES.size());
    String name = NamespaceFixtures.NAMES.get(0);
    assertNotEquals("", name);
    String list = NetworkNamespace.run(NetworkNamespace.DEFAULT_TIMEOUT, List.of("ip", "netns", "list")).stdout();
    assertFalse(list.contains(name), list);
    assertFalse(ProcessHandle.of(NamespaceFixtures.PIDS.get(0)).map(ProcessHandle::isAlive).orElse(false),
        "process started in the namespace was killed");
  }
}
