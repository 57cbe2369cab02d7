package io.morgana.xen.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.xen.evtchn.EventChannelException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimEventChannelsTest {

  private DeterministicLoop frontLoop;
  private DeterministicLoop backLoop;
  private SimDomain front;
  private SimDomain back;
  private final List<Integer> frontEvents = new ArrayList<>();
  private final List<Integer> backEvents = new ArrayList<>();

  @BeforeEach
  void domains() {
    SimHypervisor hv = new SimHypervisor(SimMemory.allocate(64));
    frontLoop = new DeterministicLoop();
    backLoop = new DeterministicLoop();
    back = hv.createDomain(0, backLoop);
    front = hv.createDomain(1, frontLoop);
  }

  private int[] connect() {
    int fp = front.events().allocUnbound(0);
    int bp = back.events().bindInterdomain(1, fp);
    front.events().setHandler(fp, frontEvents::add);
    back.events().setHandler(bp, backEvents::add);
    frontLoop.runUntilIdle();
    backLoop.runUntilIdle();
    backEvents.clear();
    return new int[] {fp, bp};
  }

  @Test
  void eventChannelH_bindInterdomainStartsPending() {
    int fp = front.events().allocUnbound(0);
    int bp = back.events().bindInterdomain(1, fp);
    assertTrue(back.events().pending(bp), "Xen sets the new local port pending");
    back.events().setHandler(bp, backEvents::add);
    backLoop.runUntilIdle();
    assertEquals(List.of(bp), backEvents);
    assertFalse(back.events().pending(bp));
    assertEquals(fp, back.events().remotePort(bp));
    assertEquals(bp, front.events().remotePort(fp));
  }

  @Test
  void notifyDeliversOnTheRemoteLoopOnly() {
    int[] p = connect();
    long before = back.events().deliveredCount(p[1]);
    front.events().notify(p[0]);
    frontLoop.runUntilIdle();
    assertEquals(List.of(), backEvents, "delivery happens on the backend's loop");
    backLoop.runUntilIdle();
    assertEquals(List.of(p[1]), backEvents);
    assertEquals(1, front.events().sentCount(p[0]));
    assertEquals(before + 1, back.events().deliveredCount(p[1]));
  }

  @Test
  void notificationsCoalesceUntilDelivered() {
    int[] p = connect();
    for (int i = 0; i < 5; i++) {
      front.events().notify(p[0]);
    }
    backLoop.runUntilIdle();
    assertEquals(List.of(p[1]), backEvents);
    front.events().notify(p[0]);
    backLoop.runUntilIdle();
    assertEquals(List.of(p[1], p[1]), backEvents);
  }

  @Test
  void maskedPortsStayPendingUntilUnmasked() {
    int[] p = connect();
    back.events().mask(p[1]);
    front.events().notify(p[0]);
    backLoop.runUntilIdle();
    assertEquals(List.of(), backEvents);
    assertTrue(back.events().pending(p[1]));
    back.events().unmask(p[1]);
    backLoop.runUntilIdle();
    assertEquals(List.of(p[1]), backEvents);
  }

  @Test
  void aPortWithoutHandlerKeepsItsEventForTheHandler() {
    int fp = front.events().allocUnbound(0);
    int bp = back.events().bindInterdomain(1, fp);
    backLoop.runUntilIdle();
    assertTrue(back.events().pending(bp));
    back.events().setHandler(bp, backEvents::add);
    backLoop.runUntilIdle();
    assertEquals(List.of(bp), backEvents);
  }

  @Test
  void onlyTheNamedRemoteDomainMayBind() {
    SimDomain third = back.hypervisor().createDomain(2, backLoop);
    int fp = front.events().allocUnbound(0);
    assertThrows(EventChannelException.class, () -> third.events().bindInterdomain(1, fp));
    assertThrows(EventChannelException.class, () -> back.events().bindInterdomain(1, fp + 7));
    back.events().bindInterdomain(1, fp);
    assertThrows(EventChannelException.class, () -> back.events().bindInterdomain(1, fp), "already bound");
  }

  @Test
  void closeRevertsTheRemoteEndToUnbound() {
    int[] p = connect();
    back.events().close(p[1]);
    front.events().notify(p[0]); // unbound: nothing happens
    assertThrows(EventChannelException.class, () -> back.events().notify(p[1]));
    int again = back.events().bindInterdomain(1, p[0]);
    back.events().setHandler(again, backEvents::add);
    front.events().notify(p[0]);
    backLoop.runUntilIdle();
    assertEquals(List.of(again), backEvents);
  }

  @Test
  void closingADomainUnbindsItsPeersAndRemovesIt() {
    int[] p = connect();
    SimHypervisor hv = back.hypervisor();
    assertThrows(IllegalArgumentException.class, () -> hv.createDomain(1, frontLoop), "domid taken");
    assertThrows(IllegalArgumentException.class, () -> hv.createDomain(0x7ff0, frontLoop), "DOMID_SELF");
    back.close();
    assertEquals(null, hv.domain(0));
    front.events().notify(p[0]); // the peer went away: nothing happens, nothing fails
    SimDomain newBackend = hv.createDomain(0, backLoop);
    int again = newBackend.events().bindInterdomain(1, p[0]);
    newBackend.events().setHandler(again, backEvents::add);
    backLoop.runUntilIdle();
    assertEquals(List.of(again), backEvents, "the guest's port is unbound for domain 0 again");
  }

  @Test
  void unknownPortsAreRefused() {
    assertThrows(EventChannelException.class, () -> front.events().notify(0));
    assertThrows(EventChannelException.class, () -> front.events().notify(99));
    assertThrows(EventChannelException.class, () -> front.events().mask(-1));
  }

  @Test
  void notifyFromAnotherThreadIsDeliveredOnTheLoop() throws Exception {
    int[] p = connect();
    Thread t = Thread.ofPlatform().start(() -> front.events().notify(p[0]));
    t.join();
    backLoop.runUntilIdle();
    assertEquals(List.of(p[1]), backEvents);
  }
}
