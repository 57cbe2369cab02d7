package io.morgana.xen.netfront;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.MacAddress;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.xen.netfront.netback.XenNetback;
import io.morgana.xen.store.BlockingXenStore;
import io.morgana.xen.xenbus.XenbusState;
import io.morgana.xen.xenbus.XenbusToolstack;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link XenNetfront}'s handshake keys, grant pool, scatter-gather and link state. */
class XenNetfrontTest {

  private final String fe = XenbusToolstack.frontendPath(1, "vif", 0);

  private static ByteBuf frame(MacAddress dst, MacAddress src, int length, int seed) {
    ByteBuf b = Unpooled.buffer(length);
    b.writeBytes(dst.toBytes()).writeBytes(src.toBytes()).writeShort(0x88b5);
    for (int i = 14; i < length; i++) {
      b.writeByte(i * 31 + seed);
    }
    return b;
  }

  private String read(NetfrontFixture f, String key) {
    return f.await(f.dom0.store().read(fe + "/" + key));
  }

  @Test
  void netfront_writesTheKeysLinuxNetbackRequiresAndGoesStraightToConnected() {
    try (NetfrontFixture f = new NetfrontFixture()) {
      f.connect(XenNetfront.DEFAULT_GRANTS);
      assertEquals("4", read(f, "state"));
      assertEquals("1", read(f, "request-rx-copy"));
      assertEquals("1", read(f, "feature-rx-notify"));
      assertEquals("1", read(f, "feature-sg"));
      assertEquals("1", read(f, "feature-no-csum-offload"));
      assertEquals("1", read(f, "multi-queue-num-queues"), "written whenever the backend has multi-queue-max-queues");
      // The backend offers split event channels: two ports, no event-channel.
      assertTrue(Integer.parseInt(read(f, "event-channel-tx")) > 0);
      assertTrue(Integer.parseInt(read(f, "event-channel-rx")) > 0);
      assertFalse(f.await(f.dom0.store().readIfExists(fe + "/event-channel")).isPresent());
      assertTrue(Integer.parseInt(read(f, "tx-ring-ref")) >= 8);
      assertEquals(NetfrontFixture.MAC, f.netfront.mac());
      assertEquals(1500, f.netfront.mtu());
    }
  }

  @Test
  void netfront_usesOneEventChannelWhenTheBackendDoesNotSplit() {
    try (NetfrontFixture f = new NetfrontFixture(new XenNetback.Features(false, 1, true))) {
      f.connect(XenNetfront.DEFAULT_GRANTS);
      assertTrue(Integer.parseInt(read(f, "event-channel")) > 0);
      assertFalse(f.await(f.dom0.store().readIfExists(fe + "/event-channel-tx")).isPresent());
      exchange(f, 20, 1000);
    }
  }

  @Test
  void netfront_refusesABackendWithoutRxCopy() {
    try (NetfrontFixture f = new NetfrontFixture()) {
      f.netback.start();
      f.loop.runUntilIdle();
      String be = XenbusToolstack.backendPath(0, "vif", 1, 0);
      f.await(f.dom0.store().write(be + "/feature-rx-copy", "0"));
      XenNetfront.DeviceKeys keys = f.await(XenNetfront.readDeviceKeys(f.guest.store(), 1, 0));
      f.netfront = new XenNetfront(f.guest, 0, keys.mac(), keys.mtu(), 64).start();
      f.loop.runUntilIdle();
      assertFalse(f.netfront.isConnected());
      assertTrue(f.netfront.xenbus().errorCount() > 0);
      assertEquals(XenbusState.INIT_WAIT, f.netback.xenbus().state());
    }
  }

  /** Sends {@code n} frames of {@code size} bytes each way and checks them. */
  private static void exchange(NetfrontFixture f, int n, int size) {
    EthernetSwitch.Port peer = f.sw.newPort(MacAddress.parse("02:00:00:00:00:0c"), f.mtu);
    List<byte[]> atPeer = new ArrayList<>();
    List<byte[]> atFront = new ArrayList<>();
    peer.listen((b, t, fl) -> atPeer.add(ByteBufUtil.getBytes(b)));
    f.netfront.listen((b, t, fl) -> atFront.add(ByteBufUtil.getBytes(b)));
    List<byte[]> sent = new ArrayList<>();
    List<byte[]> back = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ByteBuf a = frame(peer.mac(), f.netfront.mac(), size, i);
      sent.add(ByteBufUtil.getBytes(a));
      assertTrue(f.netfront.write(a), "netfront refused frame " + i);
      ByteBuf b = frame(f.netfront.mac(), peer.mac(), size, i + 1000);
      back.add(ByteBufUtil.getBytes(b));
      assertTrue(peer.write(b));
      f.loop.runUntilIdle();
    }
    assertEquals(n, atPeer.size());
    assertEquals(n, atFront.size());
    for (int i = 0; i < n; i++) {
      assertArrayEquals(sent.get(i), atPeer.get(i), "frame " + i + " netfront -> peer");
      assertArrayEquals(back.get(i), atFront.get(i), "frame " + i + " peer -> netfront");
    }
  }

  @Test
  void netfront_reusesAFixedPoolOfGrantsAcrossPackets() {
    try (NetfrontFixture f = new NetfrontFixture()) {
      int freeBefore = f.guest.grants().freeEntries();
      f.connect(64);
      int freeConnected = f.guest.grants().freeEntries();
      assertEquals(64, freeBefore - freeConnected, "two rings and a pool of 62 pages: the budget, no more");
      exchange(f, 2000, 1514);
      assertEquals(freeConnected, f.guest.grants().freeEntries(), "no grant or revoke per packet");
    }
  }

  @Test
  void netfront_jumboFramesUseScatterGatherSlotsBothWays() {
    try (NetfrontFixture f = new NetfrontFixture(XenNetback.Features.LINUX, 9000)) {
      f.connect(XenNetfront.DEFAULT_GRANTS);
      assertEquals(9000, f.netfront.mtu());
      exchange(f, 50, 9014); // three slots each way: 4096 + 4096 + 822
      exchange(f, 50, 4097);
      assertTrue(f.netback.disabledReason().isEmpty());
    }
  }

  @Test
  void netfront_backendClosingTakesTheLinkDownAndItsReturnReconnects() {
    try (NetfrontFixture f = new NetfrontFixture()) {
      f.connect(XenNetfront.DEFAULT_GRANTS);
      int free = f.guest.grants().freeEntries();
      exchange(f, 5, 100);
      f.netback.closeDevice();
      f.loop.runUntilIdle();
      assertFalse(f.netfront.isConnected());
      assertEquals(XenbusState.CLOSED, f.netfront.xenbus().state());
      long dropped = f.netfront.stats().txDropped();
      assertFalse(f.netfront.write(frame(MacAddress.BROADCAST, f.netfront.mac(), 60, 0)), "link down");
      assertEquals(dropped + 1, f.netfront.stats().txDropped());
      assertEquals(free + f.netfront.grantsInUse(), f.guest.grants().freeEntries(), "every grant ended");
      f.netback.restartDevice();
      f.loop.runUntilIdle();
      assertTrue(f.netfront.isConnected());
      assertEquals(2, f.netfront.connections());
      exchange(f, 5, 100);
    }
  }

  @Test
  void netfront_closingEndsEveryGrant() {
    NetfrontFixture f = new NetfrontFixture();
    int free = f.guest.grants().freeEntries();
    f.connect(XenNetfront.DEFAULT_GRANTS);
    exchange(f, 5, 100);
    f.netfront.close();
    f.loop.runUntilIdle();
    assertEquals(XenbusState.CLOSED, f.netfront.xenbus().state());
    assertEquals(free, f.guest.grants().freeEntries());
    f.netfront = null;
    f.close();
  }

  @Test
  void netfront_sendsMultiSlotFramesOnlyToABackendWithFeatureSg() {
    try (NetfrontFixture f = new NetfrontFixture(new XenNetback.Features(true, 1, false), 9000)) {
      f.connect(XenNetfront.DEFAULT_GRANTS);
      long dropped = f.netfront.stats().txDropped();
      assertFalse(f.netfront.write(frame(MacAddress.BROADCAST, f.netfront.mac(), 5000, 1)), "two slots, no feature-sg");
      assertEquals(dropped + 1, f.netfront.stats().txDropped());
      assertTrue(f.netfront.write(frame(MacAddress.BROADCAST, f.netfront.mac(), 4096, 1)), "one slot is fine");
      f.loop.runUntilIdle();
      assertTrue(f.netback.disabledReason().isEmpty());
    }
  }
}
