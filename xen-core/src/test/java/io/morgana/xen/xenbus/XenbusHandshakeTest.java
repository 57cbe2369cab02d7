package io.morgana.xen.xenbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.xen.store.BlockingXenStore;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreClient;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.store.sim.SimXenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The xenbus handshake between a frontend in domain 1 and a backend in domain 0, on the simulated XenStore. */
class XenbusHandshakeTest {

  private DeterministicLoop loop;
  private BlockingXenStore dom0;
  private BlockingXenStore dom1;
  private String fe;
  private String be;
  private final List<String> log = new ArrayList<>();
  private final List<XenbusException> errors = new ArrayList<>();
  private int ringRef = 8;
  private boolean refuseConnect;
  private boolean netbackRules;

  private final FrontendDriver frontDriver = new FrontendDriver() {
    @Override
    public void initialise(int backendDomid) {
      ringRef++;
      log.add("front.initialise " + backendDomid);
    }

    @Override
    public CompletionStage<Void> publish(XenStoreTransaction tx, String frontendPath) {
      return tx.write(frontendPath + "/ring-ref", Integer.toString(ringRef))
          .thenCompose(x -> tx.write(frontendPath + "/event-channel", "5"));
    }

    @Override
    public CompletionStage<Void> connect(String backendPath) {
      return dom1.async().read(backendPath + "/feature-x").thenAccept(v -> log.add("front.connect " + v));
    }

    @Override
    public void disconnect() {
      log.add("front.disconnect");
    }

    @Override
    public void onError(XenbusException error) {
      errors.add(error);
    }
  };

  private final BackendDriver backDriver = new BackendDriver() {
    @Override
    public CompletionStage<Void> advertise(XenStoreTransaction tx, String backendPath) {
      return tx.write(backendPath + "/feature-x", "1");
    }

    @Override
    public CompletionStage<Void> connect(String frontendPath, int frontendDomid) {
      if (refuseConnect) {
        throw new IllegalStateException("no ring for you");
      }
      XenStore store = dom0.async();
      return store.read(frontendPath + "/ring-ref").thenCombine(store.read(frontendPath + "/event-channel"),
          (ring, port) -> log.add("back.connect ring-ref=" + ring + " event-channel=" + port + " from " + frontendDomid))
          .thenApply(x -> null);
    }

    @Override
    public boolean connectsOnInitialised() {
      return !netbackRules;
    }

    @Override
    public void disconnect() {
      log.add("back.disconnect");
    }

    @Override
    public void onError(XenbusException error) {
      errors.add(error);
    }
  };

  private XenbusFrontend front;
  private XenbusBackend back;

  @BeforeEach
  void setUp() {
    loop = new DeterministicLoop();
    SimXenStore store = new SimXenStore();
    store.introduceDomain(1);
    dom0 = new XenStoreClient(store.transport(0), loop, Duration.ofSeconds(10)).blocking();
    dom1 = new XenStoreClient(store.transport(1), loop, Duration.ofSeconds(10)).blocking();
    fe = XenbusToolstack.createDevice(dom0, 1, 0, "vif", 0);
    be = XenbusToolstack.backendPath(0, "vif", 1, 0);
    front = new XenbusFrontend(dom1.async(), loop, fe, frontDriver);
    back = new XenbusBackend(dom0.async(), loop, be, backDriver);
  }

  private void assertStates(XenbusState f, XenbusState b) {
    assertEquals(f, front.state(), "frontend");
    assertEquals(b, back.state(), "backend");
    assertEquals(f.wire(), dom0.read(fe + "/state"));
    assertEquals(b.wire(), dom0.read(be + "/state"));
  }

  @Test
  void stateNumbersAreThoseOfXenbusH() {
    int[] codes = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    XenbusState[] states = XenbusState.values();
    for (int i = 0; i < codes.length; i++) {
      assertEquals(codes[i], states[i].code());
      assertEquals(states[i], XenbusState.parse(Integer.toString(codes[i])));
    }
    assertThrows(XenbusException.class, () -> XenbusState.parse("9"));
    assertThrows(XenbusException.class, () -> XenbusState.parse("abc"));
    assertThrows(XenbusException.class, () -> XenbusState.parse(""));
  }

  @Test
  void toolstackLaysOutTheDirectories() {
    assertEquals("/local/domain/1/device/vif/0", fe);
    assertEquals("/local/domain/0/backend/vif/1/0", dom1.read(fe + "/backend"));
    assertEquals("0", dom1.read("device/vif/0/backend-id"));
    assertEquals(fe, dom1.read(be + "/frontend")); // the frontend may read its backend's directory
    assertEquals("1", dom0.read(be + "/frontend-id"));
  }

  @Test
  void fullHandshakeInitialisingToConnected() {
    front.start();
    loop.runUntilIdle();
    assertEquals(XenbusState.INITIALISING, front.state());
    assertEquals(XenbusState.INITIALISING, front.backendState()); // as the toolstack left it
    back.start();
    loop.runUntilIdle();
    assertStates(XenbusState.CONNECTED, XenbusState.CONNECTED);
    assertEquals(List.of("front.initialise 0", "back.connect ring-ref=9 event-channel=5 from 1", "front.connect 1"), log);
    assertEquals(List.of(), errors);
  }

  @Test
  void theWholeHandshakeRunsOnTheDeterministicLoopInVirtualTimeZero() {
    front.start();
    back.start();
    int turns = loop.runUntilIdle(); // no thread, no real wait: every step is a stage completed on the loop
    assertTrue(turns > 0);
    assertEquals(0, loop.nowNanos(), "no virtual time passed either");
    assertEquals(XenbusState.CONNECTED, front.state());
    assertEquals(XenbusState.CONNECTED, back.state());
  }

  @Test
  void backendStartedFirstWorksToo() {
    back.start();
    loop.runUntilIdle();
    front.start();
    loop.runUntilIdle();
    assertStates(XenbusState.CONNECTED, XenbusState.CONNECTED);
  }

  @Test
  void backendClosesAndComesBack() {
    front.start();
    back.start();
    loop.runUntilIdle();
    assertStates(XenbusState.CONNECTED, XenbusState.CONNECTED);
    log.clear();

    back.close();
    loop.runUntilIdle();
    assertStates(XenbusState.CLOSED, XenbusState.CLOSED);
    assertEquals(List.of("back.disconnect", "front.disconnect"), log);
    log.clear();

    back.restart();
    loop.runUntilIdle();
    assertStates(XenbusState.CONNECTED, XenbusState.CONNECTED);
    assertEquals(List.of("front.initialise 0", "back.connect ring-ref=10 event-channel=5 from 1", "front.connect 1"), log);
    assertEquals(List.of(), errors);
  }

  @Test
  void frontendClosesThenReinitialises() {
    front.start();
    back.start();
    loop.runUntilIdle();
    front.close();
    loop.runUntilIdle();
    assertStates(XenbusState.CLOSED, XenbusState.CLOSED);
    assertTrue(log.contains("front.disconnect") && log.contains("back.disconnect"));
    log.clear();
    // The frontend re-initialises: the backend prepares for reconnect (InitWait), and the
    // frontend state machine, Closed, answers InitWait by publishing again: connected anew.
    dom1.write(fe + "/state", XenbusState.INITIALISING.wire());
    loop.runUntilIdle();
    assertStates(XenbusState.CONNECTED, XenbusState.CONNECTED);
    assertEquals(List.of("front.initialise 0", "back.connect ring-ref=10 event-channel=5 from 1", "front.connect 1"), log);
  }

  @Test
  void frontendClosedBeforeItInitialisedIsNeverToldToDisconnect() {
    front.start();
    loop.runUntilIdle();
    front.close(); // unplugged while still Initialising: nothing was allocated
    loop.runUntilIdle();
    back.start(); // InitWait, sees the frontend Closing, closes; the frontend then reaches Closed
    loop.runUntilIdle();
    assertStates(XenbusState.CLOSED, XenbusState.CLOSED);
    assertEquals(List.of(), log, "no initialise, so no disconnect either");
    assertEquals(List.of(), errors);
  }

  @Test
  void malformedBackendStateIsAnErrorAndIgnored() {
    front.start();
    loop.runUntilIdle();
    dom0.write(be + "/state", "banana");
    loop.runUntilIdle();
    dom0.write(be + "/state", "42");
    loop.runUntilIdle();
    assertEquals(2, errors.size());
    assertTrue(errors.get(0).getMessage().contains("banana"), errors.get(0).getMessage());
    assertEquals(XenbusState.INITIALISING, front.state());
    // A sane backend afterwards still connects.
    back.start();
    loop.runUntilIdle();
    assertStates(XenbusState.CONNECTED, XenbusState.CONNECTED);
  }

  @Test
  void malformedFrontendStateIsAnErrorForTheBackend() {
    back.start();
    loop.runUntilIdle();
    dom0.write(fe + "/state", "-1");
    loop.runUntilIdle();
    assertEquals(1, errors.size());
    assertEquals(XenbusState.INIT_WAIT, back.state());
  }

  @Test
  void backendRefusingToConnectCloses() {
    refuseConnect = true;
    front.start();
    back.start();
    loop.runUntilIdle();
    assertEquals(1, errors.size());
    assertStates(XenbusState.CLOSED, XenbusState.CLOSED);
  }

  @Test
  void unexpectedBackendConnectedWhileFrontendClosedIsReported() {
    front.start();
    back.start();
    loop.runUntilIdle();
    back.close();
    loop.runUntilIdle();
    errors.clear();
    dom0.write(be + "/state", XenbusState.CONNECTED.wire()); // a confused backend
    loop.runUntilIdle();
    assertEquals(1, errors.size());
    assertEquals(XenbusState.CLOSED, front.state());
  }

  @Test
  void backendVanishingDisconnectsTheFrontend() {
    front.start();
    back.start();
    loop.runUntilIdle();
    log.clear();
    dom0.rm(be);
    loop.runUntilIdle();
    assertEquals(XenbusState.CLOSED, front.state());
    assertEquals("front.disconnect", log.get(0));
    assertEquals(1, errors.size());
  }

  @Test
  void frontendWritesItsKeysAndGoesStraightToConnectedAsLinuxNetfront() {
    front.start();
    loop.runUntilIdle();
    dom0.write(be + "/feature-x", "1");
    dom0.write(be + "/state", XenbusState.INIT_WAIT.wire()); // a backend that advertised and waits
    loop.runUntilIdle();
    assertEquals("4", dom0.read(fe + "/state"), "keys and Connected in one transaction, never Initialised");
    assertEquals("9", dom0.read(fe + "/ring-ref"));
    assertEquals(List.of("front.initialise 0"), log, "the driver is connected only once the backend is");
    dom0.write(be + "/state", XenbusState.CONNECTED.wire());
    loop.runUntilIdle();
    assertEquals(List.of("front.initialise 0", "front.connect 1"), log);
    dom0.write(be + "/state", XenbusState.CONNECTED.wire()); // a repeated event connects nothing twice
    loop.runUntilIdle();
    assertEquals(List.of("front.initialise 0", "front.connect 1"), log);
  }

  @Test
  void netbackRulesIgnoreAFrontendInInitialisedAndConnectAtConnected() {
    netbackRules = true;
    back.start();
    loop.runUntilIdle();
    dom1.write(fe + "/ring-ref", "9");
    dom1.write(fe + "/event-channel", "5");
    dom1.write(fe + "/state", XenbusState.INITIALISED.wire()); // what the old XenbusFrontend did
    loop.runUntilIdle();
    assertEquals(XenbusState.INIT_WAIT, back.state(), "Linux netback: case XenbusStateInitialised: break;");
    assertEquals(List.of(), log);
    dom1.write(fe + "/state", XenbusState.CONNECTED.wire());
    loop.runUntilIdle();
    assertEquals(XenbusState.CONNECTED, back.state());
    assertEquals(List.of("back.connect ring-ref=9 event-channel=5 from 1"), log);
  }

  @Test
  void blkbackRulesConnectAtInitialised() {
    back.start();
    loop.runUntilIdle();
    dom1.write(fe + "/ring-ref", "9");
    dom1.write(fe + "/event-channel", "5");
    dom1.write(fe + "/state", XenbusState.INITIALISED.wire());
    loop.runUntilIdle();
    assertEquals(XenbusState.CONNECTED, back.state());
  }

  @Test
  void frontendConnectsToABackendWithNetbackRules() {
    netbackRules = true;
    front.start();
    back.start();
    loop.runUntilIdle();
    assertStates(XenbusState.CONNECTED, XenbusState.CONNECTED);
    assertEquals(List.of("front.initialise 0", "back.connect ring-ref=9 event-channel=5 from 1", "front.connect 1"), log);
    back.close();
    loop.runUntilIdle();
    back.restart();
    loop.runUntilIdle();
    assertStates(XenbusState.CONNECTED, XenbusState.CONNECTED);
    assertEquals(List.of(), errors);
  }

  @Test
  void aDeviceAlreadyConnectedByAnotherDriverIsLeftAloneWithOneMessage() {
    dom1.write(fe + "/state", XenbusState.CONNECTED.wire()); // the Linux kernel's xen-netfront has it
    front.start();
    loop.runUntilIdle();
    assertTrue(front.claimedElsewhere());
    assertEquals(1, errors.size());
    String m = errors.get(0).getMessage();
    assertTrue(m.contains("xen-netfront") && m.contains("echo vif-0 > /sys/bus/xen/drivers/vif/unbind"), m);
    assertEquals("4", dom0.read(fe + "/state"), "untouched");
    assertEquals(List.of(), log);
  }
}
