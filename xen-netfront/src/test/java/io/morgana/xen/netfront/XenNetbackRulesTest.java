package io.morgana.xen.netfront;

import static io.morgana.xen.netfront.wire.NetifWire.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.xen.grant.SharedPages;
import io.morgana.xen.netfront.netback.XenNetback;
import io.morgana.xen.ring.FrontRing;
import io.morgana.xen.ring.SharedRingLayout;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.xenbus.XenbusState;
import io.morgana.xen.xenbus.XenbusToolstack;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java netback refuses what Linux's netback refuses ({@code drivers/net/xen-netback/xenbus.c}
 * {@code connect}/{@code read_xenbus_vif_flags}, {@code netback.c xenvif_tx_build_gops}): one test
 * per rule, each against a hand-driven frontend that breaks exactly that rule.
 */
class XenNetbackRulesTest {

  private final NetfrontFixture f = new NetfrontFixture();
  private final String fe = XenbusToolstack.frontendPath(1, "vif", 0);
  private SharedPages txRing;
  private SharedPages rxRing;
  private SharedPages data;
  private FrontRing tx;
  private int port;

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** The keys a correct frontend writes; tests remove or change one. */
  private Map<String, String> goodKeys() {
    txRing = f.guest.grants().share(0, 1, false);
    rxRing = f.guest.grants().share(0, 1, false);
    data = f.guest.grants().share(0, 2, true);
    tx = FrontRing.init(txRing.pages().segment(), SharedRingLayout.NETIF_TX_STRIDE);
    FrontRing.init(rxRing.pages().segment(), SharedRingLayout.NETIF_RX_STRIDE);
    port = f.guest.events().allocUnbound(0);
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("tx-ring-ref", Integer.toString(txRing.ref(0)));
    keys.put("rx-ring-ref", Integer.toString(rxRing.ref(0)));
    keys.put("event-channel", Integer.toString(port));
    keys.put("request-rx-copy", "1");
    keys.put("feature-rx-notify", "1");
    keys.put("feature-sg", "1");
    return keys;
  }

  private void publish(Map<String, String> keys, XenbusState state) {
    f.netback.start();
    f.loop.runUntilIdle();
    XenStore store = f.guest.store();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      f.await(store.write(fe + "/" + e.getKey(), e.getValue()));
    }
    f.await(store.write(fe + "/state", state.wire()));
    f.loop.runUntilIdle();
  }

  private void assertRefused() {
    assertFalse(f.netback.isConnected());
    assertEquals(XenbusState.CLOSING, f.netback.xenbus().state(), "xenbus_dev_fatal: the backend closes");
    assertTrue(f.netback.xenbus().errorCount() > 0);
  }

  @Test
  void linuxNetback_ignoresAFrontendInInitialised() {
    publish(goodKeys(), XenbusState.INITIALISED);
    assertEquals(XenbusState.INIT_WAIT, f.netback.xenbus().state());
    assertFalse(f.netback.isConnected());
    f.await(f.guest.store().write(fe + "/state", XenbusState.CONNECTED.wire()));
    assertTrue(f.netback.isConnected());
    assertEquals(XenbusState.CONNECTED, f.netback.xenbus().state());
  }

  @Test
  void linuxNetback_refusesAFrontendWithoutRequestRxCopy() {
    Map<String, String> keys = goodKeys();
    keys.remove("request-rx-copy");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxNetback_refusesRequestRxCopyZero() {
    Map<String, String> keys = goodKeys();
    keys.put("request-rx-copy", "0");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxNetback_refusesAFrontendWithoutFeatureRxNotify() {
    Map<String, String> keys = goodKeys();
    keys.remove("feature-rx-notify");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxNetback_refusesMoreQueuesThanItsMaximum() {
    Map<String, String> keys = goodKeys();
    keys.put("multi-queue-num-queues", "2");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxNetback_refusesMissingRingReferences() {
    Map<String, String> keys = goodKeys();
    keys.remove("rx-ring-ref");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  @Test
  void linuxNetback_refusesAMissingEventChannel() {
    Map<String, String> keys = goodKeys();
    keys.remove("event-channel");
    publish(keys, XenbusState.CONNECTED);
    assertRefused();
  }

  // --------------------------------------------------------------------------- transmit rules

  private void connectRaw() {
    publish(goodKeys(), XenbusState.CONNECTED);
    assertTrue(f.netback.isConnected());
  }

  private void request(int ref, int offset, int flags, int id, int size) {
    txRequest(tx.segment(), tx.nextRequestSlot(), ref, offset, flags, id, size);
  }

  private void pushAndRun() {
    tx.pushRequests();
    f.guest.events().notify(port);
    f.loop.runUntilIdle();
  }

  private int[] statuses(int n) {
    int[] s = new int[n];
    assertEquals(n, tx.unconsumedResponses());
    for (int i = 0; i < n; i++) {
      long at = tx.nextResponseSlot();
      s[i] = s16(tx.segment(), at + TX_RSP_STATUS);
    }
    return s;
  }

  @Test
  void linuxNetback_aSlotCrossingItsPageDisablesTheVif() {
    connectRaw();
    request(data.ref(0), 4000, 0, 0, 200);
    pushAndRun();
    assertTrue(f.netback.disabledReason().orElse("").contains("Cross page boundary"), f.netback.disabledReason().toString());
  }

  @Test
  void linuxNetback_aLaterFragmentCrossingItsPageDisablesTheVif() {
    connectRaw();
    request(data.ref(0), 0, NETTXF_MORE_DATA, 0, 300);
    request(data.ref(1), 4000, 0, 1, 200);
    pushAndRun();
    assertTrue(f.netback.disabledReason().orElse("").contains("Cross page boundary"));
  }

  @Test
  void linuxNetback_aFragmentBiggerThanTheFrameDisablesTheVif() {
    connectRaw();
    request(data.ref(0), 0, NETTXF_MORE_DATA, 0, 100);
    request(data.ref(1), 0, 0, 1, 200);
    pushAndRun();
    assertTrue(f.netback.disabledReason().orElse("").contains("bigger than frame"));
  }

  @Test
  void linuxNetback_aPacketWhoseSlotsAreNotAllPublishedDisablesTheVif() {
    connectRaw();
    request(data.ref(0), 0, NETTXF_MORE_DATA, 0, 100);
    pushAndRun();
    assertTrue(f.netback.disabledReason().orElse("").contains("exceeds this limit"));
  }

  @Test
  void linuxNetback_moreThanTwentySlotsAfterTheFirstDisableTheVif() {
    connectRaw();
    request(data.ref(0), 0, NETTXF_MORE_DATA, 0, 2200);
    for (int i = 1; i <= 21; i++) {
      request(data.ref(1), 0, i < 21 ? NETTXF_MORE_DATA : 0, i, 100);
    }
    pushAndRun();
    assertTrue(f.netback.disabledReason().orElse("").contains("Malicious frontend"));
  }

  @Test
  void linuxNetback_nineteenSlotsAfterTheFirstAreDroppedWithErrorsButTheVifStaysUp() {
    connectRaw();
    request(data.ref(0), 0, NETTXF_MORE_DATA, 0, 2000);
    for (int i = 1; i <= 19; i++) {
      request(data.ref(1), 0, i < 19 ? NETTXF_MORE_DATA : 0, i, 100);
    }
    pushAndRun();
    assertTrue(f.netback.disabledReason().isEmpty());
    for (int s : statuses(20)) {
      assertEquals(RSP_ERROR, s);
    }
  }

  @Test
  void linuxNetback_eighteenSlotsAfterTheFirstAreAccepted() {
    connectRaw();
    request(data.ref(0), 0, NETTXF_MORE_DATA, 0, 1900);
    for (int i = 1; i <= 18; i++) {
      request(data.ref(1), 0, i < 18 ? NETTXF_MORE_DATA : 0, i, 100);
    }
    pushAndRun();
    for (int s : statuses(19)) {
      assertEquals(RSP_OKAY, s);
    }
    assertEquals(1, f.netback.txPackets());
  }

  @Test
  void linuxNetback_aRuntIsAnsweredWithAnErrorAndTheVifStaysUp() {
    connectRaw();
    request(data.ref(0), 0, 0, 7, 10);
    pushAndRun();
    assertTrue(f.netback.disabledReason().isEmpty());
    assertEquals(RSP_ERROR, statuses(1)[0]);
    assertEquals(0, f.netback.txPackets());
  }

  @Test
  void linuxNetback_extraInfoSlotsGetNullResponses() {
    connectRaw();
    MemorySegment page = data.pages().page(0);
    page.fill((byte) 0x5a);
    request(data.ref(0), 0, NETTXF_EXTRA_INFO, 3, 60);
    long at = tx.nextRequestSlot();
    tx.segment().asSlice(at, 12).fill((byte) 0);
    put8(tx.segment(), at + EXTRA_TYPE, EXTRA_TYPE_GSO);
    put16(tx.segment(), at + EXTRA_GSO_SIZE, 1460);
    put8(tx.segment(), at + EXTRA_GSO_TYPE, GSO_TYPE_TCPV4);
    pushAndRun();
    int[] s = statuses(2);
    assertEquals(RSP_OKAY, s[0]);
    assertEquals(RSP_NULL, s[1]);
    assertEquals(1, f.netback.txPackets());
  }

  @Test
  void linuxNetback_anExtraInfoOfUnknownTypeDisablesTheVif() {
    connectRaw();
    request(data.ref(0), 0, NETTXF_EXTRA_INFO, 3, 60);
    long at = tx.nextRequestSlot();
    tx.segment().asSlice(at, 12).fill((byte) 0);
    put8(tx.segment(), at + EXTRA_TYPE, 9);
    pushAndRun();
    assertTrue(f.netback.disabledReason().orElse("").contains("Invalid extra type"));
  }
}
