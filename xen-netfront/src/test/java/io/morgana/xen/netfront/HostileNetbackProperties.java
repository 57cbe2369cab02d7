package io.morgana.xen.netfront;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.MacAddress;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.FakeClock;
import io.morgana.xen.grant.MappedGrants;
import io.morgana.xen.netfront.netback.XenNetback;
import io.morgana.xen.netfront.wire.NetifWire;
import io.morgana.xen.ring.SharedRingLayout;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.store.sim.SimXenStore;
import io.morgana.xen.xenbus.BackendDriver;
import io.morgana.xen.xenbus.XenbusBackend;
import io.morgana.xen.xenbus.XenbusState;
import io.morgana.xen.xenbus.XenbusToolstack;
import io.netty.buffer.Unpooled;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A hostile netback — unknown or repeated response ids, producer indices out of range, bad
 * statuses, offsets and sizes outside the page — never crashes {@link XenNetfront}: every loop
 * turn completes, and the device either carries on or reports the backend broken and closes. The
 * frontend only ever reads its own ring and pool pages (slot offsets are masked, fragment bounds
 * checked before any copy).
 */
class HostileNetbackProperties {

  /** One thing the hostile backend does to a ring. */
  record Act(boolean tx, int prodDelta, int slot, int id, int status, int offset, int flags) {}

  @Provide
  Arbitrary<List<Act>> acts() {
    Arbitrary<Act> act = Combinators.combine(
        Arbitraries.of(true, false),
        Arbitraries.oneOf(Arbitraries.integers().between(0, 4), Arbitraries.integers()),
        Arbitraries.integers().between(0, 255),
        Arbitraries.oneOf(Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 0xffff)),
        Arbitraries.oneOf(Arbitraries.integers().between(-3, 1600), Arbitraries.integers().between(-32768, 32767)),
        Arbitraries.oneOf(Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 0xffff)),
        Arbitraries.integers().between(0, 0x1f)).as(Act::new);
    return act.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 150, seed = "20261206")
  void hostileResponsesNeverCrashTheFrontend(@ForAll("acts") List<Act> acts) {
    DeterministicLoop loop = new DeterministicLoop(new FakeClock());
    SimHypervisor hv = new SimHypervisor();
    hv.plugStore(new SimXenStore().inJvmConnector(Duration.ofSeconds(30)));
    SimDomain dom0 = hv.createDomain(0, loop);
    SimDomain guest = hv.createDomain(1, loop);
    MacAddress mac = MacAddress.parse("00:16:3e:00:00:09");
    CompletableFuture<String> created = XenNetback.createVif(dom0.store(), 1, 0, 0, mac, 1500).toCompletableFuture();
    loop.runUntilIdle();
    created.join();
    MemorySegment[] rings = new MemorySegment[2];
    int[] port = new int[1];
    XenStore store = dom0.store();
    BackendDriver hostile = new BackendDriver() {
      MappedGrants tx;
      MappedGrants rx;

      @Override
      public CompletionStage<Void> advertise(XenStoreTransaction t, String be) {
        return t.write(be + "/feature-rx-copy", "1");
      }

      @Override
      public boolean connectsOnInitialised() {
        return false;
      }

      @Override
      public CompletionStage<Void> connect(String fe, int domid) {
        String[] v = new String[3];
        return store.read(fe + "/tx-ring-ref").thenAccept(s -> v[0] = s)
            .thenCompose(x -> store.read(fe + "/rx-ring-ref")).thenAccept(s -> v[1] = s)
            .thenCompose(x -> store.read(fe + "/event-channel")).thenAccept(s -> v[2] = s)
            .thenRun(() -> {
              tx = dom0.grants().map(domid, Integer.parseInt(v[0]), false);
              rx = dom0.grants().map(domid, Integer.parseInt(v[1]), false);
              rings[0] = tx.segment();
              rings[1] = rx.segment();
              port[0] = dom0.events().bindInterdomain(domid, Integer.parseInt(v[2]));
            });
      }

      @Override
      public void disconnect() {
        tx.close();
        rx.close();
      }
    };
    XenbusBackend xb = new XenbusBackend(store, loop, XenbusToolstack.backendPath(0, "vif", 1, 0), hostile);
    xb.start();
    XenNetfront nf = new XenNetfront(guest, 0, mac, 1500, 64).start();
    loop.runUntilIdle();
    assertTrue(nf.isConnected());
    int[] delivered = new int[1];
    nf.listen((f, t, fl) -> delivered[0]++);
    for (int i = 0; i < 5; i++) { // outstanding tx requests for responses to answer
      nf.write(Unpooled.wrappedBuffer(new byte[60 + i]));
    }
    loop.runUntilIdle();
    for (Act a : acts) {
      MemorySegment ring = rings[a.tx() ? 0 : 1];
      if (nf.brokenReason().isPresent()) {
        break;
      }
      int stride = a.tx() ? SharedRingLayout.NETIF_TX_STRIDE : SharedRingLayout.NETIF_RX_STRIDE;
      long at = SharedRingLayout.RING_OFFSET + (long) a.slot() * stride;
      if (a.tx()) {
        NetifWire.txResponse(ring, at, a.id(), a.status());
      } else {
        NetifWire.rxResponse(ring, at, a.id(), a.offset(), a.flags(), a.status());
      }
      int prod = ring.get(java.lang.foreign.ValueLayout.JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET);
      java.lang.invoke.VarHandle.releaseFence();
      ring.set(java.lang.foreign.ValueLayout.JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, prod + a.prodDelta());
      dom0.events().notify(port[0]);
      loop.runUntilIdle(); // a throw from the frontend fails the property here
      nf.write(Unpooled.wrappedBuffer(new byte[100])); // writes keep being accepted or refused, never throw
      loop.runUntilIdle();
    }
    if (nf.brokenReason().isPresent()) {
      assertTrue(nf.xenbus().state() == XenbusState.CLOSING || nf.xenbus().state() == XenbusState.CLOSED,
          "a broken device closes: " + nf.xenbus().state());
      assertTrue(!nf.isConnected());
    }
    nf.close();
    loop.runUntilIdle();
    guest.close();
    dom0.close();
    assertEquals(delivered[0], nf.stats().rxFrames());
  }
}
