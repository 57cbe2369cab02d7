package io.morgana.xen.xenbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.KernelLoop;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.store.sim.SimXenStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The handshake as on Xen: the guest's XenStore is a {@code xenstore_domain_interface} page with
 * an event channel to the store's domain, each domain has its own kernel loop, and the state
 * machines make blocking XenStore calls from their watch callbacks on those loops.
 */
class XenbusOverRingTest {

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void handshakeAndBackendRestartOverTheSharedPage() {
    try (KernelLoop dom0Loop = new KernelLoop("dom0"); KernelLoop guestLoop = new KernelLoop("domU")) {
      dom0Loop.start();
      guestLoop.start();
      SimHypervisor hv = new SimHypervisor();
      SimXenStore store = new SimXenStore();
      SimDomain dom0 = hv.createDomain(0, dom0Loop);
      hv.plugStore(store.ringConnector(dom0, Duration.ofSeconds(30)));
      SimDomain guest = hv.createDomain(3, guestLoop);
      String fe = XenbusToolstack.createDevice(dom0.store().blocking(), 3, 0, "vbd", 51712);
      String be = XenbusToolstack.backendPath(0, "vbd", 3, 51712);
      List<String> log = new CopyOnWriteArrayList<>();
      XenbusFrontend front = new XenbusFrontend(guest.store(), guestLoop, fe, new FrontendDriver() {
        @Override
        public void initialise(int backendDomid) {
          log.add("front.initialise");
        }

        @Override
        public CompletionStage<Void> publish(XenStoreTransaction tx, String frontendPath) {
          return tx.write(frontendPath + "/ring-ref", "8").thenCompose(x -> tx.write(frontendPath + "/event-channel", "4"));
        }

        @Override
        public CompletionStage<Void> connect(String backendPath) {
          return guest.store().read(backendPath + "/sectors").thenAccept(v -> log.add("front.connect sectors=" + v));
        }

        @Override
        public void disconnect() {
          log.add("front.disconnect");
        }
      });
      XenbusBackend back = new XenbusBackend(dom0.store(), dom0Loop, be, new BackendDriver() {
        @Override
        public CompletionStage<Void> advertise(XenStoreTransaction tx, String backendPath) {
          return tx.write(backendPath + "/sectors", "2048");
        }

        @Override
        public CompletionStage<Void> connect(String frontendPath, int frontendDomid) {
          return dom0.store().read(frontendPath + "/ring-ref").thenAccept(v -> log.add("back.connect ring-ref=" + v));
        }

        @Override
        public void disconnect() {
          log.add("back.disconnect");
        }
      });
      front.start();
      back.start();
      await(() -> front.isConnected() && back.state() == XenbusState.CONNECTED, "Connected");
      assertEquals(List.of("front.initialise", "back.connect ring-ref=8", "front.connect sectors=2048"), log);
      back.close();
      await(() -> front.state() == XenbusState.CLOSED && back.state() == XenbusState.CLOSED, "Closed");
      back.restart();
      await(() -> front.isConnected() && back.state() == XenbusState.CONNECTED, "reconnected");
      assertEquals("4", guest.store().blocking().read(fe + "/state"));
      assertEquals(0, front.errorCount() + back.errorCount());
      assertTrue(log.contains("front.disconnect") && log.contains("back.disconnect"));
    }
  }
}
