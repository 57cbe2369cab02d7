package io.morgana.benchmarks.xen;

import io.morgana.api.Block;
import io.morgana.api.MacAddress;
import io.morgana.block.RamBlock;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.KernelLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.xen.blkfront.XenBlkfront;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import io.morgana.xen.netfront.XenNetfront;
import io.morgana.xen.netfront.netback.XenNetback;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.store.sim.SimXenStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Whole-path throughput of the Xen PV drivers on the simulated platform (issue 13; figures, not
 * tests): frames/s and MB/s through {@link XenNetfront} ↔ {@link XenNetback} (to and from a
 * switch port), and MB/s and IOPS through {@link XenBlkfront} ↔ {@link XenBlkback} over a RAM
 * disk, as a ratio of the same operations on the {@link RamBlock} directly. Prints markdown.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.morgana.benchmarks.xen.XenDriversThroughput}
 */
public final class XenDriversThroughput {

  private XenDriversThroughput() {}

  public static void main(String[] args) throws Exception {
    System.out.println("| path | operation | rate | MB/s |");
    System.out.println("|---|---|---|---|");
    netif(1514, 300_000);
    netif(64, 300_000);
    blkif();
  }

  private static void netif(int size, int frames) {
    DeterministicLoop loop = new DeterministicLoop();
    SimHypervisor hv = new SimHypervisor();
    hv.plugStore(new SimXenStore().inJvmConnector(Duration.ofSeconds(30)));
    SimDomain dom0 = hv.createDomain(0, loop);
    SimDomain guest = hv.createDomain(1, loop);
    EthernetSwitch sw = new EthernetSwitch(loop);
    MacAddress mac = MacAddress.parse("00:16:3e:00:00:01");
    CompletableFuture<String> vif = XenNetback.createVif(dom0.store(), 1, 0, 0, mac, 1500).toCompletableFuture();
    loop.runUntilIdle();
    vif.join();
    new XenNetback(dom0, 1, 0, sw.newPort(), XenNetback.Features.LINUX).start();
    XenNetfront nf = new XenNetfront(guest, 0, mac, 1500, XenNetfront.DEFAULT_GRANTS).start();
    loop.runUntilIdle();
    EthernetSwitch.Port peer = sw.newPort();
    long[] got = new long[2];
    peer.listen((f, t, fl) -> got[0]++);
    nf.listen((f, t, fl) -> got[1]++);
    ByteBuf template = Unpooled.buffer(size);
    template.writeBytes(peer.mac().toBytes()).writeBytes(mac.toBytes()).writeShort(0x88b5).writeZero(size - 14);
    ByteBuf back = Unpooled.buffer(size);
    back.writeBytes(mac.toBytes()).writeBytes(peer.mac().toBytes()).writeShort(0x88b5).writeZero(size - 14);
    for (int dir = 0; dir < 2; dir++) {
      for (int round = 0; round < 2; round++) { // first round warms up
        got[dir] = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < frames; i += 64) {
          for (int k = 0; k < 64; k++) {
            ByteBuf f = PooledByteBufAllocator.DEFAULT.directBuffer(size);
            f.writeBytes(dir == 0 ? template : back, 0, size);
            if (dir == 0) {
              nf.write(f);
            } else {
              peer.write(f);
            }
          }
          loop.runUntilIdle();
        }
        long ns = System.nanoTime() - t0;
        if (round == 1) {
          double fps = got[dir] * 1e9 / ns;
          System.out.printf("| netfront %s netback | %d-byte frames (%d of %d arrived) | %.0f frames/s | %.1f |%n",
              dir == 0 ? "→" : "←", size, got[dir], frames, fps, fps * size / 1e6);
        }
      }
    }
    nf.close();
    loop.runUntilIdle();
    sw.close();
    guest.close();
    dom0.close();
  }

  private static void blkif() throws Exception {
    long sectors = 128L * 1024 * 2; // 128 MiB
    RamBlock direct = RamBlock.create(sectors);
    RamBlock served = RamBlock.create(sectors);
    SimHypervisor hv = new SimHypervisor();
    hv.plugStore(new SimXenStore().inJvmConnector(Duration.ofSeconds(30)));
    try (KernelLoop loop = new KernelLoop("xen-blk-bench")) {
      loop.start();
      SimDomain dom0 = hv.createDomain(0, loop);
      SimDomain guest = hv.createDomain(1, loop);
      dom0.store().blocking().call("createVbd", () -> XenBlkback.createVbd(dom0.store(), 1, 0, 51712, false));
      new XenBlkback(dom0, 1, 51712, served, XenBlkback.Features.LINUX).start();
      XenBlkfront b = new XenBlkfront(guest, 51712, 2, XenBlkfront.DEFAULT_POOL_PAGES).start()
          .awaitConnected(Duration.ofSeconds(30));
      for (int round = 0; round < 2; round++) {
        boolean print = round == 1;
        double dw = seq(direct, true);
        double bw = seq(b, true);
        double dr = seq(direct, false);
        double br = seq(b, false);
        double di = iops(direct);
        double bi = iops(b);
        if (print) {
          System.out.printf("| blkfront ↔ blkback | sequential 256 KiB writes | %.0f /s (%.2f of RamBlock) | %.0f |%n", bw / 0.25, bw / dw, bw);
          System.out.printf("| blkfront ↔ blkback | sequential 256 KiB reads | %.0f /s (%.2f of RamBlock) | %.0f |%n", br / 0.25, br / dr, br);
          System.out.printf("| blkfront ↔ blkback | random 4 KiB reads, 1 thread | %.0f IOPS (%.2f of RamBlock's %.0f) | %.0f |%n", bi, bi / di, di, bi * 4096 / 1e6);
        }
      }
      b.close();
    }
  }

  /** MB/s of sequential 256 KiB transfers over the whole device. */
  private static double seq(Block b, boolean write) throws Exception {
    int chunk = 256 * 1024;
    ByteBuf buf = Unpooled.directBuffer(chunk);
    buf.writeZero(chunk);
    long total = b.info().sizeBytes();
    long t0 = System.nanoTime();
    for (long at = 0; at + chunk <= total; at += chunk) {
      if (write) {
        buf.readerIndex(0);
        b.write(at / 512, buf);
      } else {
        buf.clear();
        b.read(at / 512, buf);
      }
    }
    long ns = System.nanoTime() - t0;
    buf.release();
    return total / 1e6 / (ns / 1e9);
  }

  private static double iops(Block b) throws Exception {
    SplittableRandom r = new SplittableRandom(1);
    ByteBuf buf = Unpooled.directBuffer(4096);
    int n = 50_000;
    long sectors = b.info().sectorCount();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      buf.clear();
      b.read(r.nextLong(sectors / 8) * 8, buf);
    }
    long ns = System.nanoTime() - t0;
    buf.release();
    return n / (ns / 1e9);
  }
}
