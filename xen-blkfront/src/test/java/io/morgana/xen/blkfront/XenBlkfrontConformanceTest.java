package io.morgana.xen.blkfront;

import io.morgana.xen.conformance.ConformanceBackend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.KernelLoop;
import io.morgana.xen.blkfront.blkback.XenBlkback;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java {@link XenBlkfront} against the C backend of xen-core ({@code conformance_backend.c
 * blkdisk}: a RAM disk served with Xen's {@code RING_*} macros and {@code blkif.h} structs, built
 * against Debian's {@code libxen-dev}): sectors round trip byte for byte, the C side checks every
 * request's fields (segments, ranges, grant permissions, indirect pages) and decides independently
 * when the frontend owes it an event.
 */
class XenBlkfrontConformanceTest {

  private static final int DEVID = 51712;
  private static final long SECTORS = 16384; // 8 MiB
  @TempDir Path dir;

  @ParameterizedTest(name = "ring-page-order {0}, max indirect segments {1}")
  @CsvSource({"0, 0", "2, 0", "0, 256", "3, 256"})
  void blkifH_sectorsRoundTripByteForByteThroughTheCBackend(int order, int maxIndirect) throws Exception {
    Path memoryFile = dir.resolve("memory");
    Path stderr = dir.resolve("backend.err");
    SimHypervisor hv = new SimHypervisor(SimMemory.mapFile(memoryFile, 1024));
    SimXenStore xs = new SimXenStore();
    hv.plugStore(xs.inJvmConnector(Duration.ofSeconds(30)));
    ConformanceBackend.build();
    try (KernelLoop loop = new KernelLoop("xen-blkfront-conformance")) {
      loop.start();
      SimDomain guest = hv.createDomain(1, loop);
      ExternalDomain back = ExternalDomain.create(hv, 0);
      XenStore dom0 = new XenStoreClient(xs.transport(0), loop, Duration.ofSeconds(30));
      dom0.blocking().call("createVbd", () -> XenBlkback.createVbd(dom0, 1, 0, DEVID, false));
      String bePath = XenbusToolstack.backendPath(0, "vbd", 1, DEVID);
      Process[] c = new Process[1];
      BackendDriver shim = new BackendDriver() {
        @Override
        public CompletionStage<Void> advertise(XenStoreTransaction tx, String be) {
          CompletionStage<Void> s = tx.write(be + "/max-ring-page-order", "4");
          return maxIndirect == 0 ? s
              : s.thenCompose(x -> tx.write(be + "/feature-max-indirect-segments", Integer.toString(maxIndirect)));
        }

        @Override
        public CompletionStage<Void> connect(String fe, int domid) {
          List<String> refs = new ArrayList<>();
          String[] v = new String[3];
          return dom0.readIfExists(fe + "/ring-page-order").thenCompose(o -> {
            v[0] = o.orElse("0");
            return dom0.read(fe + "/event-channel");
          }).thenCompose(p -> {
            v[1] = p;
            return dom0.read(fe + "/protocol");
          }).thenCompose(proto -> {
            v[2] = proto;
            int pages = 1 << Integer.parseInt(v[0]);
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (int i = 0; i < pages; i++) {
              String key = pages == 1 ? "ring-ref" : "ring-ref" + i;
              chain = chain.thenCompose(x -> dom0.read(fe + "/" + key).thenAccept(refs::add));
            }
            return chain;
          }).thenCompose(x -> dom0.write(bePath + "/sectors", Long.toString(SECTORS))
              .thenCompose(y -> dom0.write(bePath + "/info", "0"))
              .thenCompose(y -> dom0.write(bePath + "/sector-size", "512"))
              .thenCompose(y -> dom0.write(bePath + "/feature-flush-cache", "1"))
              .thenCompose(y -> dom0.write(bePath + "/feature-discard", "1"))
          ).thenRun(() -> {
            assertEquals("x86_64-abi", v[2]);
            int backPort = back.domain().events().bindInterdomain(1, Integer.parseInt(v[1]));
            List<Object> args = new ArrayList<>(List.of(memoryFile, guest.grants().firstFrame(), guest.grants().entries(),
                1, 0, backPort, SECTORS, Math.max(maxIndirect, 11), refs.size()));
            args.addAll(refs);
            try {
              c[0] = ConformanceBackend.start(stderr, "blkdisk", args.toArray());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            back.connect(c[0].getInputStream(), c[0].getOutputStream());
          });
        }

        @Override
        public void disconnect() {}
      };
      new XenbusBackend(dom0, loop, bePath, shim).start();
      XenBlkfront b = new XenBlkfront(guest, DEVID, order, XenBlkfront.DEFAULT_POOL_PAGES).start()
          .awaitConnected(Duration.ofSeconds(30));
      assertEquals(SECTORS, b.info().sectorCount());
      assertEquals(order, b.ringOrder());

      byte[] image = new byte[(int) SECTORS * 512];
      Random r = new Random(order * 31 + maxIndirect);
      for (int i = 0; i < 300; i++) {
        int count = 1 + r.nextInt(i % 10 == 0 ? 600 : 24);
        long sector = r.nextInt((int) SECTORS - count);
        byte[] data = new byte[count * 512];
        r.nextBytes(data);
        b.write(sector, Unpooled.wrappedBuffer(data));
        System.arraycopy(data, 0, image, (int) sector * 512, data.length);
        ByteBuf into = Unpooled.buffer(data.length);
        b.read(sector, into);
        assertArrayEquals(data, ByteBufUtil.getBytes(into), "request " + i + " at sector " + sector + " x" + count);
        into.release();
      }
      b.flush();
      b.discard(100, 50);
      java.util.Arrays.fill(image, 100 * 512, 150 * 512, (byte) 0);
      ByteBuf all = Unpooled.buffer(image.length);
      b.read(0, all);
      assertArrayEquals(image, ByteBufUtil.getBytes(all), "the whole disk");
      all.release();

      back.close();
      assertTrue(c[0].waitFor(60, TimeUnit.SECONDS));
      Map<String, Long> counters = ConformanceBackend.counters(stderr);
      assertEquals(0, c[0].exitValue(), "backend failed: " + Files.readString(stderr));
      assertEquals(0L, counters.get("bad"), counters.toString());
      assertEquals(1L, counters.get("flushes"), counters.toString());
      assertEquals(1L, counters.get("discards"), counters.toString());
      if (maxIndirect > 0) {
        assertTrue(counters.get("indirect") > 0, counters.toString());
      } else {
        assertEquals(0L, counters.get("indirect"), counters.toString());
      }
      assertNull(back.failure());
      b.close();
      System.out.printf("blkif order %d, indirect %d: %s%n", order, maxIndirect, counters);
    }
  }
}
