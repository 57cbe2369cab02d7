package io.morgana.xen.blkfront;

import static io.morgana.xen.blkfront.wire.BlkifWire.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.block.Blocks;
import io.morgana.block.RamBlock;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import io.morgana.xen.grant.SharedPages;
import io.morgana.xen.ring.FrontRing;
import io.morgana.xen.ring.SharedRingLayout;
import io.morgana.xen.store.BlockingXenStore;
import io.morgana.xen.xenbus.XenbusState;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java blkback refuses what Linux's blkback refuses ({@code xen-blkback/xenbus.c
 * connect_ring}, {@code blkback.c dispatch_rw_block_io}): one test per rule, against a
 * hand-driven frontend.
 */
class XenBlkbackRulesTest {

  private BlkfrontFixture f;
  private SharedPages ring;
  private SharedPages data;
  private FrontRing front;
  private int port;

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private Map<String, String> goodKeys(int order, boolean readOnly) {
    f = new BlkfrontFixture(readOnly ? blocks(RamBlock.create(64)) : RamBlock.create(64), XenBlkback.Features.LINUX);
    ring = f.guest.grants().share(0, 1 << order, false);
    data = f.guest.grants().share(0, 2, false);
    front = FrontRing.init(ring.pages().segment(), SharedRingLayout.BLKIF_STRIDE);
    port = f.guest.events().allocUnbound(0);
    Map<String, String> keys = new LinkedHashMap<>();
    if (order == 0) {
      keys.put("ring-ref", Integer.toString(ring.ref(0)));
    } else {
      keys.put("ring-page-order", Integer.toString(order));
      for (int i = 0; i < 1 << order; i++) {
        keys.put("ring-ref" + i, Integer.toString(ring.ref(i)));
      }
    }
    keys.put("event-channel", Integer.toString(port));
    keys.put("protocol", "x86_64-abi");
    return keys;
  }

  private static io.morgana.api.Block blocks(io.morgana.api.Block b) {
    try {
      return Blocks.readOnly(b);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void publish(Map<String, String> keys, XenbusState state) {
    BlockingXenStore store = f.guest.store().blocking();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      store.write(f.frontendPath() + "/" + e.getKey(), e.getValue());
    }
    store.write(f.frontendPath() + "/state", state.wire());
  }

  private static void await(BooleanSupplier c, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(2);
    }
  }

  private void assertRefused() throws InterruptedException {
    await(() -> f.blkback.xenbus().state() == XenbusState.CLOSING, "the backend to close");
    assertFalse(f.blkback.isConnected());
  }

  @Test
  void linuxBlkback_connectsAtInitialised() throws Exception {
    publish(goodKeys(0, false), XenbusState.INITIALISED);
    await(f.blkback::isConnected, "connect at Initialised");
  }

  @Test
  void linuxBlkback_refusesARingPageOrderAboveItsMaximum() throws Exception {
    Map<String, String> keys = goodKeys(0, false);
    keys.put("ring-page-order", "5");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxBlkback_refusesAMultiPageRingWithARingRefMissing() throws Exception {
    Map<String, String> keys = goodKeys(2, false);
    keys.remove("ring-ref3");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxBlkback_refusesAMissingEventChannel() throws Exception {
    Map<String, String> keys = goodKeys(0, false);
    keys.remove("event-channel");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxBlkback_refusesAnUnknownProtocol() throws Exception {
    Map<String, String> keys = goodKeys(0, false);
    keys.put("protocol", "pdp11-abi");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxBlkback_refusesMoreQueuesThanItsMaximum() throws Exception {
    Map<String, String> keys = goodKeys(0, false);
    keys.put("multi-queue-num-queues", "4");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  // ------------------------------------------------------------------------- requests

  private int statusOf(int op, int nseg, int firstSect, int lastSect, long sector) throws Exception {
    publish(goodKeys(0, false), XenbusState.CONNECTED);
    await(f.blkback::isConnected, "connect");
    return send(op, nseg, firstSect, lastSect, sector);
  }

  private int send(int op, int nseg, int firstSect, int lastSect, long sector) throws Exception {
    int[] status = new int[1];
    boolean[] got = new boolean[1];
    f.loop.execute(() -> {
      MemorySegment s = front.segment();
      long at = front.nextRequestSlot();
      s.asSlice(at, REQ_BYTES).fill((byte) 0);
      put8(s, at + REQ_OPERATION, op);
      put8(s, at + REQ_NR_SEGMENTS, nseg);
      put64(s, at + REQ_ID, 77);
      put64(s, at + REQ_SECTOR_NUMBER, sector);
      for (int k = 0; k < Math.min(nseg, MAX_SEGMENTS); k++) {
        segment(s, at + REQ_SEG + (long) k * SEG_SIZE, data.ref(0), firstSect, lastSect);
      }
      front.pushRequests();
      f.guest.events().setHandler(port, p -> {
        if (front.unconsumedResponses() > 0) {
          long r = front.nextResponseSlot();
          status[0] = s16(s, r + RSP_STATUS);
          got[0] = u64(s, r + RSP_ID) == 77;
        }
        front.setResponseEvent(front.rspCons() + 1); // RING_FINAL_CHECK_FOR_RESPONSES's request for the next event
      });
      f.guest.events().notify(port);
    });
    await(() -> got[0], "the response");
    return status[0];
  }

  @Test
  void linuxBlkback_aGoodRequestIsAnsweredOkay() throws Exception {
    assertEquals(RSP_OKAY, statusOf(OP_WRITE, 2, 0, 7, 0));
  }

  @Test
  void linuxBlkback_zeroSegmentsIsAnError() throws Exception {
    assertEquals(RSP_ERROR, statusOf(OP_READ, 0, 0, 7, 0));
  }

  @Test
  void linuxBlkback_moreThanElevenSegmentsIsAnError() throws Exception {
    assertEquals(RSP_ERROR, statusOf(OP_READ, 12, 0, 7, 0));
  }

  @Test
  void linuxBlkback_lastSectBeyondThePageIsAnError() throws Exception {
    assertEquals(RSP_ERROR, statusOf(OP_READ, 1, 0, 8, 0));
  }

  @Test
  void linuxBlkback_lastSectBeforeFirstSectIsAnError() throws Exception {
    assertEquals(RSP_ERROR, statusOf(OP_READ, 1, 5, 4, 0));
  }

  @Test
  void linuxBlkback_accessBeyondTheEndOfTheDeviceIsAnError() throws Exception {
    assertEquals(RSP_ERROR, statusOf(OP_READ, 1, 0, 7, 60));
  }

  @Test
  void linuxBlkback_aBarrierItDoesNotOfferIsEopnotsupp() throws Exception {
    assertEquals(RSP_EOPNOTSUPP, statusOf(OP_WRITE_BARRIER, 0, 0, 0, 0));
  }

  @Test
  void linuxBlkback_anUnknownOperationIsAnError() throws Exception {
    assertEquals(RSP_ERROR, statusOf(42, 1, 0, 7, 0));
  }

  @Test
  void linuxBlkback_aWriteToAReadOnlyDiskIsAnError() throws Exception {
    publish(goodKeys(0, true), XenbusState.CONNECTED);
    await(f.blkback::isConnected, "connect");
    assertEquals(RSP_ERROR, send(OP_WRITE, 1, 0, 7, 0));
    assertEquals(RSP_OKAY, send(OP_READ, 1, 0, 7, 0));
  }
}
