package io.morgana.xen.netfront;

import io.morgana.xen.conformance.ConformanceBackend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.MacAddress;
import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.xen.netfront.netback.XenNetback;
import io.morgana.xen.sim.ExternalDomain;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.sim.SimMemory;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreClient;
import io.morgana.xen.store.XenStoreTransaction;
import io.morgana.xen.store.sim.SimXenStore;
import io.morgana.xen.xenbus.BackendDriver;
import io.morgana.xen.xenbus.XenbusBackend;
import io.morgana.xen.xenbus.XenbusToolstack;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java {@link XenNetfront} against the C backend of xen-core ({@code conformance_backend.c
 * netif}), built against Debian's {@code libxen-dev} with Xen's own {@code RING_*} macros and
 * {@code netif.h} structs, sharing memory through a mapped file: every frame crosses the tx ring,
 * is checked as Linux netback checks it, comes back on the rx ring, and must arrive byte for byte;
 * the C side decides independently when the frontend owes it an event (over- and
 * under-notification fail it).
 */
class XenNetfrontConformanceTest {

  private static final MacAddress MAC = MacAddress.parse("00:16:3e:00:00:02");
  @TempDir Path dir;

  @ParameterizedTest(name = "mtu {0}")
  @ValueSource(ints = {1500, 9000})
  void netifH_framesRoundTripByteForByteThroughTheCBackend(int mtu) throws Exception {
    Path memoryFile = dir.resolve("memory");
    Path stderr = dir.resolve("backend.err");
    SimHypervisor hv = new SimHypervisor(SimMemory.mapFile(memoryFile, 1024));
    SimXenStore xs = new SimXenStore();
    hv.plugStore(xs.inJvmConnector(Duration.ofSeconds(30)));
    int frames = 600;
    try (KernelLoop loop = new KernelLoop("xen-netfront-conformance")) {
      loop.start();
      SimDomain guest = hv.createDomain(1, loop);
      ExternalDomain back = ExternalDomain.create(hv, 0);
      XenStore dom0 = new XenStoreClient(xs.transport(0), loop, Duration.ofSeconds(30));
      dom0.blocking().call("createVif", () -> XenNetback.createVif(dom0, 1, 0, 0, MAC, mtu));
      Process[] c = new Process[1];
      BackendDriver shim = new BackendDriver() {
        @Override
        public CompletionStage<Void> advertise(XenStoreTransaction tx, String be) {
          return tx.write(be + "/feature-rx-copy", "1").thenCompose(x -> tx.write(be + "/feature-sg", "1"));
        }

        @Override
        public boolean connectsOnInitialised() {
          return false;
        }

        @Override
        public CompletionStage<Void> connect(String fe, int domid) {
          String[] v = new String[5];
          String[] keys = {"tx-ring-ref", "rx-ring-ref", "event-channel", "request-rx-copy", "feature-rx-notify"};
          CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
          for (int i = 0; i < keys.length; i++) {
            int k = i;
            chain = chain.thenCompose(x -> dom0.read(fe + "/" + keys[k]).thenAccept(s -> v[k] = s));
          }
          return chain.thenRun(() -> {
            assertEquals("1", v[3]);
            assertEquals("1", v[4]);
            int backPort = back.domain().events().bindInterdomain(1, Integer.parseInt(v[2]));
            try {
              c[0] = ConformanceBackend.start(stderr, "netif", memoryFile, guest.grants().firstFrame(), guest.grants().entries(),
                  1, 0, backPort, v[0], v[1]);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            back.connect(c[0].getInputStream(), c[0].getOutputStream());
          });
        }

        @Override
        public void disconnect() {}
      };
      ConformanceBackend.build(); // skip early without gcc/libxen-dev
      XenbusBackend xb = new XenbusBackend(dom0, loop, XenbusToolstack.backendPath(0, "vif", 1, 0), shim);
      xb.start();
      XenNetfront nf = new XenNetfront(guest, 0, MAC, mtu, XenNetfront.DEFAULT_GRANTS).start();
      LoopBridge bridge = new LoopBridge(loop);
      await(nf::isConnected, "netfront connected");
      List<byte[]> got = Collections.synchronizedList(new ArrayList<>());
      bridge.runAndWait(() -> {
        nf.listen((f, t, fl) -> got.add(ByteBufUtil.getBytes(f)));
        return null;
      }, Duration.ofSeconds(10));
      Random r = new Random(mtu);
      List<byte[]> sent = new ArrayList<>();
      for (int batch = 0; batch < frames / 50; batch++) {
        List<byte[]> these = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          byte[] f = new byte[14 + r.nextInt(mtu + 1)];
          r.nextBytes(f);
          these.add(f);
        }
        sent.addAll(these);
        bridge.runAndWait(() -> {
          for (byte[] f : these) {
            assertTrue(nf.write(Unpooled.wrappedBuffer(f)), "netfront refused a frame");
          }
          return null;
        }, Duration.ofSeconds(10));
        int want = sent.size();
        await(() -> got.size() >= want, "echoes of batch " + batch + " (" + got.size() + "/" + want + ")"
            + " backend: " + (c[0] != null && !c[0].isAlive() ? Files.readString(stderr) : "alive"));
      }
      for (int i = 0; i < frames; i++) {
        assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
      }
      assertEquals(0, nf.rxErrors());
      back.close(); // end of file: the C backend unmaps and exits
      assertTrue(c[0].waitFor(60, TimeUnit.SECONDS));
      Map<String, Long> counters = ConformanceBackend.counters(stderr);
      assertEquals(0, c[0].exitValue(), "backend failed: " + Files.readString(stderr));
      assertEquals((long) frames, counters.get("packets"), counters.toString());
      assertEquals(0L, counters.get("bad"), counters.toString());
      assertEquals((long) frames, counters.get("echoed"), counters.toString());
      assertNull(back.failure());
      nf.close();
      System.out.printf("netif mtu %d: %d frames, C events %d (due %d), C notifies %d%n", mtu, frames,
          counters.get("events"), counters.get("crossed"), counters.get("notifies"));
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void await(Check c, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!c.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(2);
    }
  }
}
