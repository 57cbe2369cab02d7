package io.morgana.xen.blkfront;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.KernelLoop;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import io.morgana.xen.blkfront.wire.BlkifWire;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.ring.SharedRingLayout;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.store.sim.SimXenStore;
import io.morgana.xen.xenbus.BackendDriver;
import io.morgana.xen.xenbus.XenbusBackend;
import io.morgana.xen.xenbus.XenbusToolstack;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A hostile blkback — unknown or repeated ids, wrong operations, bad statuses, producer indices
 * out of range — never crashes {@link XenBlkfront}: every call returns or fails with an {@link
 * IOException}, none hangs once the device closes, and a broken device says why.
 */
class HostileBlkbackProperties {

  record Act(int prodDelta, int slot, long id, int op, int status) {}

  @Provide
  Arbitrary<List<Act>> acts() {
    return Combinators.combine(
        Arbitraries.oneOf(Arbitraries.integers().between(0, 3), Arbitraries.integers()),
        Arbitraries.integers().between(0, 31),
        Arbitraries.oneOf(Arbitraries.longs().between(0, 40), Arbitraries.longs()),
        Arbitraries.oneOf(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 255)),
        Arbitraries.oneOf(Arbitraries.integers().between(-2, 0), Arbitraries.integers().between(-32768, 32767)))
        .as(Act::new).list().ofMinSize(1).ofMaxSize(20);
  }

  @Property(tries = 40, seed = "20261206")
  void hostileResponsesNeverCrashOrHangTheFrontend(@ForAll("acts") List<Act> acts) throws Exception {
    SimHypervisor hv = new SimHypervisor();
    hv.plugStore(new SimXenStore().inJvmConnector(Duration.ofSeconds(30)));
    try (KernelLoop loop = new KernelLoop("hostile-blkback"); ExecutorService apps = Executors.newVirtualThreadPerTaskExecutor()) {
      loop.start();
      SimDomain dom0 = hv.createDomain(0, loop);
      SimDomain guest = hv.createDomain(1, loop);
      int devid = 51712;
      dom0.store().blocking().call("createVbd", () -> XenBlkback.createVbd(dom0.store(), 1, 0, devid, false));
      String be = XenbusToolstack.backendPath(0, "vbd", 1, devid);
      XenStore store = dom0.store();
      MemorySegment[] ring = new MemorySegment[1];
      int[] port = new int[1];
      BackendDriver hostile = new BackendDriver() {
        MappedGrants map;

        @Override
        public CompletionStage<Void> advertise(XenStoreTransaction t, String path) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> connect(String fe, int domid) {
          String[] v = new String[2];
          return store.read(fe + "/ring-ref").thenAccept(s -> v[0] = s)
              .thenCompose(x -> store.read(fe + "/event-channel")).thenAccept(s -> v[1] = s)
              .thenCompose(x -> store.write(be + "/sectors", "1024"))
              .thenCompose(x -> store.write(be + "/info", "0"))
              .thenCompose(x -> store.write(be + "/sector-size", "512"))
              .thenRun(() -> {
                map = dom0.grants().map(domid, Integer.parseInt(v[0]), false);
                ring[0] = map.segment();
                port[0] = dom0.events().bindInterdomain(domid, Integer.parseInt(v[1]));
              });
        }

        @Override
        public void disconnect() {
          map.close();
        }
      };
      new XenbusBackend(store, loop, be, hostile).start();
      XenBlkfront b = new XenBlkfront(guest, devid, 0, 32).start().awaitConnected(Duration.ofSeconds(10));
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int k = i;
        calls.add(apps.submit(() -> {
          b.read(k * 8L, Unpooled.buffer(4096));
          return null;
        }));
      }
      Thread.sleep(20);
      for (Act a : acts) {
        CompletableFuture<Void> step = new CompletableFuture<>();
        loop.execute(() -> {
          MemorySegment r = ring[0];
          long at = SharedRingLayout.RING_OFFSET + (long) a.slot() * SharedRingLayout.BLKIF_STRIDE;
          BlkifWire.response(r, at, a.id(), a.op(), a.status());
          int prod = r.get(ValueLayout.JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET);
          VarHandle.releaseFence();
          r.set(ValueLayout.JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, prod + a.prodDelta());
          dom0.events().notify(port[0]);
          step.complete(null);
        });
        step.get(10, TimeUnit.SECONDS);
      }
      b.close(); // whatever is still waiting fails now
      for (Future<?> f : calls) {
        try {
          f.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          assertTrue(e.getCause() instanceof IOException, "calls fail with IOException only: " + e.getCause());
        }
      }
      if (b.brokenReason().isPresent()) {
        assertTrue(!b.isConnected());
      }
    }
  }
}
