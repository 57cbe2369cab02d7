package io.morgana.xen.sim;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.grant.SharedPages;
import io.morgana.xen.ring.BackRing;
import io.morgana.xen.ring.FrontRing;
import io.morgana.xen.ring.SharedRingLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole plumbing on the simulated hypervisor, as a split driver uses it: the frontend
 * initialises and grants a ring page and allocates an unbound port; the backend maps the grant
 * and binds the port; requests and responses flow with {@code RING_PUSH_*_AND_CHECK_NOTIFY} and
 * {@code RING_FINAL_CHECK_FOR_*} deciding every event, each side on its own deterministic loop.
 */
class SimRingRoundTripTest {

  @Test
  void frontendAndBackendOnTwoDomainsExchangeEverythingDrivenOnlyByEvents() {
    SimHypervisor hv = new SimHypervisor(SimMemory.allocate(64));
    DeterministicLoop frontLoop = new DeterministicLoop();
    DeterministicLoop backLoop = new DeterministicLoop();
    SimDomain dom0 = hv.createDomain(0, backLoop);
    SimDomain guest = hv.createDomain(1, frontLoop);

    SharedPages page = guest.grants().share(0, 1, false);
    FrontRing front = FrontRing.init(page.pages().segment(), SharedRingLayout.NETIF_RX_STRIDE);
    int frontPort = guest.events().allocUnbound(0);

    MappedGrants mapped = dom0.grants().map(1, page.ref(0), false);
    BackRing back = BackRing.attach(mapped.segment(), SharedRingLayout.NETIF_RX_STRIDE);
    int backPort = dom0.events().bindInterdomain(1, frontPort);

    List<Integer> served = new ArrayList<>();
    dom0.events().setHandler(backPort, p -> {
      do {
        int n = back.unconsumedRequests();
        for (int i = 0; i < n; i++) {
          int v = back.segment().get(JAVA_INT, back.nextRequestSlot());
          served.add(v);
          back.segment().set(JAVA_INT, back.nextResponseSlot(), -v);
        }
        if (n > 0 && back.pushResponsesAndCheckNotify()) {
          dom0.events().notify(backPort);
        }
      } while (back.finalCheckForRequests());
    });
    List<Integer> answers = new ArrayList<>();
    guest.events().setHandler(frontPort, p -> {
      do {
        int n = front.unconsumedResponses();
        for (int i = 0; i < n; i++) {
          answers.add(front.segment().get(JAVA_INT, front.nextResponseSlot()));
        }
      } while (front.finalCheckForResponses());
    });

    int next = 0;
    for (int round = 0; round < 40; round++) {
      int batch = 1 + round % 300;
      for (int i = 0; i < batch && !front.full(); i++) {
        front.segment().set(JAVA_INT, front.nextRequestSlot(), next++);
      }
      if (front.pushRequestsAndCheckNotify()) {
        guest.events().notify(frontPort);
      }
      backLoop.runUntilIdle();
      frontLoop.runUntilIdle();
    }
    assertEquals(next, served.size());
    assertEquals(next, answers.size());
    for (int i = 0; i < next; i++) {
      assertEquals(i, served.get(i));
      assertEquals(-i, answers.get(i));
    }
    assertTrue(guest.events().sentCount(frontPort) <= 40, "at most one event per push");
    mapped.close();
    page.close();
  }
}
