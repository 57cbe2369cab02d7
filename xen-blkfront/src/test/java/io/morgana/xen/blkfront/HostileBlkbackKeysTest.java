package io.morgana.xen.blkfront;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.BlockException;
import io.morgana.runtime.KernelLoop;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.store.sim.SimXenStore;
import io.morgana.xen.xenbus.BackendDriver;
import io.morgana.xen.xenbus.XenbusBackend;
import io.morgana.xen.xenbus.XenbusToolstack;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend whose disk keys are missing or malformed ({@code sectors}, {@code info}, {@code
 * sector-size} are mandatory, as in Linux blkfront) never gets a usable device: {@link
 * XenBlkfront} reports the error and does not connect, and nothing throws out of the loop.
 */
class HostileBlkbackKeysTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"no-sectors", "banana-sectors", "no-info", "sector-size-3", "negative-sectors", "huge-sector-size"})
  void blkfront_refusesMissingOrMalformedDiskKeys(String variant) throws Exception {
    Map<String, String> keys = new java.util.HashMap<>(Map.of("sectors", "1024", "info", "0", "sector-size", "512"));
    switch (variant) {
      case "no-sectors" -> keys.remove("sectors");
      case "banana-sectors" -> keys.put("sectors", "banana");
      case "no-info" -> keys.remove("info");
      case "sector-size-3" -> keys.put("sector-size", "3");
      case "negative-sectors" -> keys.put("sectors", "-5");
      case "huge-sector-size" -> keys.put("sector-size", "65536");
      default -> throw new IllegalArgumentException(variant);
    }
    SimHypervisor hv = new SimHypervisor();
    hv.plugStore(new SimXenStore().inJvmConnector(Duration.ofSeconds(30)));
    try (KernelLoop loop = new KernelLoop("hostile-keys")) {
      loop.start();
      SimDomain dom0 = hv.createDomain(0, loop);
      SimDomain guest = hv.createDomain(1, loop);
      int devid = 51712;
      dom0.store().blocking().call("createVbd", () -> XenBlkback.createVbd(dom0.store(), 1, 0, devid, false));
      String be = XenbusToolstack.backendPath(0, "vbd", 1, devid);
      XenStore store = dom0.store();
      BackendDriver hostile = new BackendDriver() {
        @Override
        public CompletionStage<Void> advertise(XenStoreTransaction t, String path) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> connect(String fe, int domid) {
          CompletionStage<Void> s = CompletableFuture.completedFuture(null);
          for (Map.Entry<String, String> e : keys.entrySet()) {
            s = s.thenCompose(x -> store.write(be + "/" + e.getKey(), e.getValue()));
          }
          return s;
        }

        @Override
        public void disconnect() {}
      };
      XenbusBackend xb = new XenbusBackend(store, loop, be, hostile);
      xb.start();
      XenBlkfront b = new XenBlkfront(guest, devid, 0, 32).start();
      assertThrows(BlockException.class, () -> b.awaitConnected(Duration.ofSeconds(2)));
      assertFalse(b.isConnected());
      assertTrue(b.xenbus().errorCount() > 0, "the frontend reported the bad keys");
      b.close();
    }
  }
}
