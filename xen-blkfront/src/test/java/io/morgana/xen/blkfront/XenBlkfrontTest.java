package io.morgana.xen.blkfront;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.BlockException;
import io.morgana.block.RamBlock;
import io.morgana.fs.fat.FatChecker;
import io.morgana.fs.fat.FatFileSystem;
import io.morgana.fs.fat.FatType;
import io.morgana.fs.fat.FormatOptions;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link XenBlkfront}'s handshake keys, ring orders, indirect requests, flush and discard, and FAT over it. */
class XenBlkfrontTest {

  private static String read(BlkfrontFixture f, String key) {
    return f.guest.store().blocking().read(f.frontendPath() + "/" + key);
  }

  private static boolean exists(BlkfrontFixture f, String key) {
    return f.guest.store().blocking().call("readIfExists",
        () -> f.guest.store().readIfExists(f.frontendPath() + "/" + key)).isPresent();
  }

  @Test
  void blkfront_onePageRingWritesRingRefAndNoRingPageOrder() throws Exception {
    try (BlkfrontFixture f = new BlkfrontFixture(RamBlock.create(2048), XenBlkback.Features.LINUX)) {
      XenBlkfront b = f.connect(0, 64);
      assertTrue(exists(f, "ring-ref"));
      assertFalse(exists(f, "ring-page-order"));
      assertEquals("x86_64-abi", read(f, "protocol"));
      assertEquals("1", read(f, "feature-persistent"));
      assertEquals("1", read(f, "multi-queue-num-queues"));
      assertTrue(Integer.parseInt(read(f, "event-channel")) > 0);
      assertEquals("4", read(f, "state"));
      assertEquals(2048, b.info().sectorCount());
      assertEquals(512, b.info().sectorSize());
      assertEquals(512, b.physicalSectorSize());
      assertTrue(b.info().readWrite());
    }
  }

  @Test
  void blkfront_multiPageRingWritesRingPageOrderAndRingRefN() throws Exception {
    try (BlkfrontFixture f = new BlkfrontFixture(RamBlock.create(2048), XenBlkback.Features.LINUX)) {
      XenBlkfront b = f.connect(3, 64);
      assertEquals("3", read(f, "ring-page-order"));
      for (int i = 0; i < 8; i++) {
        assertTrue(exists(f, "ring-ref" + i), "ring-ref" + i);
      }
      assertFalse(exists(f, "ring-ref"));
      roundTrip(b, 0, 200);
    }
  }

  @Test
  void blkfront_ringOrderIsCappedByTheBackendsMaximum() throws Exception {
    try (BlkfrontFixture f = new BlkfrontFixture(RamBlock.create(2048), new XenBlkback.Features(0, 1, 1, true))) {
      XenBlkfront b = f.connect(4, 64);
      assertEquals(1, b.ringOrder());
      assertEquals("1", read(f, "ring-page-order"));
    }
  }

  private static void roundTrip(XenBlkfront b, long sector, int sectors) throws Exception {
    byte[] data = new byte[sectors * 512];
    new Random(sector * 31 + sectors).nextBytes(data);
    b.write(sector, Unpooled.wrappedBuffer(data));
    ByteBuf into = Unpooled.buffer(data.length);
    b.read(sector, into);
    assertArrayEquals(data, ByteBufUtil.getBytes(into));
    into.release();
  }

  @Test
  void blkfront_largeTransfersUseIndirectRequestsWhenOffered() throws Exception {
    try (BlkfrontFixture f = new BlkfrontFixture(RamBlock.create(4096), XenBlkback.Features.LINUX)) {
      XenBlkfront b = f.connect(0, 128);
      long before = f.blkback.requests();
      roundTrip(b, 8, 512); // 256 KiB = 64 pages: 2 indirect requests of 32 segments each way
      assertEquals(4, f.blkback.requests() - before);
    }
    try (BlkfrontFixture f = new BlkfrontFixture(RamBlock.create(4096), new XenBlkback.Features(0, 0, 1, true))) {
      XenBlkfront b = f.connect(0, 128);
      long before = f.blkback.requests();
      roundTrip(b, 8, 512); // without indirect: 6 requests of at most 11 segments each way
      assertEquals(12, f.blkback.requests() - before);
    }
  }

  @Test
  void blkfront_requestsRunConcurrentlyAndCompleteOutOfOrder() throws Exception {
    try (BlkfrontFixture f = new BlkfrontFixture(RamBlock.create(8192), XenBlkback.Features.LINUX)) {
      XenBlkfront b = f.connect(0, 128);
      byte[] data = new byte[1024 * 1024];
      new Random(7).nextBytes(data);
      b.write(0, Unpooled.wrappedBuffer(data)); // 256 pages through a pool of 128: a bounded number in flight
      assertTrue(f.blkback.maxInFlight() > 1, "several requests at once: " + f.blkback.maxInFlight());
      assertTrue(f.blkback.maxInFlight() <= 32, "never more than the ring holds");
      ByteBuf into = Unpooled.buffer(data.length);
      b.read(0, into);
      assertArrayEquals(data, ByteBufUtil.getBytes(into));
    }
  }

  @Test
  void blkfront_flushAndDiscardAreIssuedAndAnswered() throws Exception {
    try (BlkfrontFixture f = new BlkfrontFixture(RamBlock.create(2048), XenBlkback.Features.LINUX)) {
      XenBlkfront b = f.connect(0, 64);
      assertEquals("1", f.dom0.store().blocking().read(b.xenbus().backendPath().orElseThrow() + "/feature-flush-cache"));
      long before = f.blkback.requests();
      b.flush();
      assertEquals(before + 1, f.blkback.requests(), "BLKIF_OP_FLUSH_DISKCACHE reached the backend");
      roundTrip(b, 100, 16);
      if (b.info().discardSupported()) {
        long n = f.blkback.requests();
        b.discard(100, 16);
        assertEquals(n + 1, f.blkback.requests());
      }
      assertEquals(0, f.blkback.errors());
    }
  }

  @Test
  void blkfront_aReadOnlyBackendMakesAReadOnlyDevice() throws Exception {
    try (BlkfrontFixture f = new BlkfrontFixture(io.morgana.block.Blocks.readOnly(RamBlock.create(64)), XenBlkback.Features.LINUX)) {
      XenBlkfront b = f.connect(0, 64);
      assertFalse(b.info().readWrite());
      assertThrows(BlockException.class, () -> b.write(0, Unpooled.wrappedBuffer(new byte[512])));
    }
  }

  @Test
  void fatOverBlkfront_formatsWritesReadsAndChecksClean() throws Exception {
    RamBlock disk = RamBlock.create(64 * 1024); // 32 MiB
    try (BlkfrontFixture f = new BlkfrontFixture(disk, XenBlkback.Features.LINUX)) {
      XenBlkfront b = f.connect(2, 128);
      FatFileSystem.format(b, FormatOptions.defaults().withType(FatType.FAT16).withLabel("XENVBD"));
      byte[] big = new byte[300_000];
      new Random(3).nextBytes(big);
      try (FatFileSystem fs = FatFileSystem.open(b)) {
        fs.mkdirs("/docs/notes");
        fs.write("/docs/notes/hello.txt", "hello over blkif".getBytes(StandardCharsets.UTF_8));
        fs.write("/big.bin", big);
        fs.flush();
      }
      try (FatFileSystem fs = FatFileSystem.open(b)) {
        assertEquals("hello over blkif", new String(fs.readAllBytes("/docs/notes/hello.txt"), StandardCharsets.UTF_8));
        assertArrayEquals(big, fs.readAllBytes("/big.bin"));
      }
      assertTrue(FatChecker.check(b).problems().isEmpty(), FatChecker.check0(b));
      // The bytes are on the backend's disk, not only in the frontend.
      assertTrue(FatChecker.check(disk).problems().isEmpty(), FatChecker.check0(disk));
    }
  }

  @Test
  void blkfront_backendClosingFailsCallsAndItsReturnReconnects() throws Exception {
    try (BlkfrontFixture f = new BlkfrontFixture(RamBlock.create(256), XenBlkback.Features.LINUX)) {
      XenBlkfront b = f.connect(0, 64);
      roundTrip(b, 0, 8);
      f.blkback.closeDevice();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (b.isConnected() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertFalse(b.isConnected());
      assertThrows(BlockException.class, () -> b.read(0, Unpooled.buffer(512)));
      f.blkback.restartDevice();
      b.awaitConnected(java.time.Duration.ofSeconds(10));
      assertEquals(2, b.connections());
      roundTrip(b, 8, 8);
    }
  }

  @Test
  void blkfront_discardsOnlyWholeGranulesOfTheBackendsGranularity() throws Exception {
    RamBlock disk = RamBlock.create(1024);
    byte[] ones = new byte[1024 * 512];
    java.util.Arrays.fill(ones, (byte) 1);
    disk.write(0, Unpooled.wrappedBuffer(ones));
    try (BlkfrontFixture f = new BlkfrontFixture(disk, XenBlkback.Features.LINUX, b -> b.withDiscardGranularity(4096))) {
      XenBlkfront b = f.connect(0, 64);
      assertTrue(b.info().discardSupported());
      b.discard(3, 20); // sectors 3..22: of the 8-sector granules only 8..15 lies wholly inside
      b.discard(1, 5); // no whole granule: nothing sent
      assertEquals(0, f.blkback.errors(), "never a discard the backend must refuse");
      ByteBuf all = Unpooled.buffer(1024 * 512);
      disk.read(0, all);
      byte[] after = ByteBufUtil.getBytes(all);
      for (int s = 0; s < 32; s++) {
        boolean zeroed = after[s * 512] == 0;
        assertEquals(s >= 8 && s < 16, zeroed, "sector " + s);
      }
    }
  }
}
