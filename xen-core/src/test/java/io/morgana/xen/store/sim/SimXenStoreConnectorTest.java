package io.morgana.xen.store.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.KernelLoop;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.store.BlockingXenStore;
import io.morgana.xen.store.XenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store plugged into the simulated hypervisor: in-JVM connections, and real ring pages with event channels. */
class SimXenStoreConnectorTest {

  @Test
  void inJvmConnectorGivesEachDomainItsStore() {
    DeterministicLoop loop = new DeterministicLoop();
    SimHypervisor hv = new SimHypervisor();
    SimXenStore store = new SimXenStore();
    hv.plugStore(store.inJvmConnector(Duration.ofSeconds(10)));
    SimDomain dom0 = hv.createDomain(0, loop);
    SimDomain guest = hv.createDomain(4, loop);
    assertEquals("4", guest.store().blocking().read("domid"));
    List<String> events = new ArrayList<>();
    dom0.store().blocking().watch("/local/domain/4/data", "t", (p, t) -> events.add(p));
    guest.store().blocking().write("data/k", "v");
    loop.runUntilIdle();
    assertEquals(List.of("/local/domain/4/data", "/local/domain/4/data", "/local/domain/4/data/k"), events);
    assertEquals(2, store.connectionCount());
    guest.close();
    assertEquals(1, store.connectionCount(), "a closed domain's XenStore connection is closed too");
    dom0.close();
    assertEquals(0, store.connectionCount());
  }

  @Test
  void ringConnectorServesAGuestThroughItsOwnPageAndEventChannel() throws Exception {
    try (KernelLoop storeLoop = new KernelLoop("xenstored"); KernelLoop guestLoop = new KernelLoop("guest")) {
      storeLoop.start();
      guestLoop.start();
      SimHypervisor hv = new SimHypervisor();
      SimXenStore store = new SimXenStore();
      SimDomain dom0 = hv.createDomain(0, storeLoop);
      hv.plugStore(store.ringConnector(dom0, Duration.ofSeconds(30)));
      SimDomain guest = hv.createDomain(7, guestLoop);
      BlockingXenStore s = guest.store().blocking();
      assertEquals("7", s.read("domid"));
      LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
      LinkedBlockingQueue<Boolean> onGuestLoop = new LinkedBlockingQueue<>();
      s.watch("data", "w", (p, t) -> {
        onGuestLoop.add(guestLoop.inLoop());
        events.add(p);
      });
      String big = "z".repeat(1500); // bigger than the 1024-byte rings
      for (int i = 0; i < 10; i++) {
        s.write("data/k" + i, big + i);
        assertEquals(big + i, s.read("data/k" + i));
      }
      assertEquals(10, s.directory("data").size());
      assertEquals("data", events.poll(30, TimeUnit.SECONDS));
      for (int i = 0; i < 11; i++) { // creation of data, then 10 keys
        assertTrue(events.poll(30, TimeUnit.SECONDS) != null, "event " + i);
      }
      for (Boolean b : onGuestLoop) {
        assertTrue(b, "watch callbacks run on the guest's loop");
      }
      assertEquals(1, store.connectionCount());
      guest.close();
      assertEquals(0, store.connectionCount(), "closing the guest ends its connection in the server too");
      dom0.store().blocking().write("/local/domain/7/data/after", "x"); // no event for the closed guest's watch
    }
  }
}
