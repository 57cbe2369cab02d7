package io.morgana.xen.store.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.xen.store.wire.XenStoreRingPage;
import io.morgana.xen.store.wire.XsError;
import io.morgana.xen.store.wire.XsFrameDecoder;
import io.morgana.xen.store.wire.XsMessage;
import io.morgana.xen.store.wire.XsMessageType;
import io.morgana.xen.store.wire.XsPacket;
import io.morgana.xen.store.wire.XsPayloads;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server end of the xenstore ring against a hostile or confused guest, driven byte by byte. */
class SimXenStoreRingServerTest {

  private final Arena arena = Arena.ofAuto();
  private final MemorySegment seg = arena.allocate(4096, 4096);
  private final XenStoreRingPage page = XenStoreRingPage.wrap(seg);
  private final SimXenStore store = new SimXenStore();
  private int notifications;
  private final SimXenStore.RingServer server;

  SimXenStoreRingServerTest() {
    store.introduceDomain(2);
    server = store.serveRing(2, seg, () -> notifications++);
  }

  private List<XsMessage> replies() throws Exception {
    byte[] buf = new byte[4096];
    int n = page.readResponse(buf, 0, buf.length);
    List<XsMessage> out = new ArrayList<>();
    XsFrameDecoder d = new XsFrameDecoder();
    List<XsFrameDecoder.Frame> frames = new ArrayList<>();
    d.feed(buf, 0, n, frames::add);
    for (XsFrameDecoder.Frame f : frames) {
      out.add(f.message());
    }
    return out;
  }

  @Test
  void advertisesFeaturesAndAnswersARequestWrittenByHand() throws Exception {
    assertEquals(XenStoreRingPage.SERVER_FEATURE_RECONNECTION | XenStoreRingPage.SERVER_FEATURE_ERROR,
        page.get(XenStoreRingPage.SERVER_FEATURES_OFFSET));
    byte[] req = new XsMessage(XsMessageType.READ, 7, 0, XsPayloads.strings("domid")).encode();
    page.writeRequest(req, 0, req.length);
    server.onEvent();
    List<XsMessage> r = replies();
    assertEquals(1, r.size());
    assertEquals(7, r.get(0).reqId());
    assertEquals("2", new String(r.get(0).payload()));
    assertTrue(notifications > 0);
  }

  @Test
  void unknownTypeGetsEinvalAndTheConnectionSurvives() throws Exception {
    byte[] bad = new byte[16];
    XsPacket.wrap(bad, 0).type(20).reqId(3).txId(0).length(0);
    page.writeRequest(bad, 0, bad.length);
    byte[] good = new XsMessage(XsMessageType.GET_DOMAIN_PATH, 4, 0, XsPayloads.strings("2")).encode();
    page.writeRequest(good, 0, good.length);
    server.onEvent();
    List<XsMessage> r = replies();
    assertEquals(XsMessageType.ERROR, r.get(0).type());
    assertEquals(XsError.EINVAL.name(), XsPayloads.parseSingleString(r.get(0).payload()));
    assertEquals("/local/domain/2", XsPayloads.parseSingleString(r.get(1).payload()));
  }

  private void writeRequest(byte[] b) {
    try {
      page.writeRequest(b, 0, b.length);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void oversizeLengthIsAProtocolErrorOnThePage() {
    byte[] bad = new byte[16];
    XsPacket.wrap(bad, 0).type(XsMessageType.WRITE.code()).reqId(1).txId(0).length(5000);
    writeRequest(bad);
    server.onEvent();
    assertTrue(server.failed());
    assertEquals(XenStoreRingPage.ERROR_PROTO, page.get(XenStoreRingPage.ERROR_OFFSET));
  }

  @Test
  void impossibleRingIndicesAreARingIndexError() {
    page.set(XenStoreRingPage.REQ_PROD_OFFSET, 5000);
    server.onEvent();
    assertTrue(server.failed());
    assertEquals(XenStoreRingPage.ERROR_RINGIDX, page.get(XenStoreRingPage.ERROR_OFFSET));
  }

  @Test
  void reconnectResetsTheRing() throws Exception {
    byte[] req = new XsMessage(XsMessageType.READ, 7, 0, XsPayloads.strings("domid")).encode();
    page.writeRequest(req, 0, 10); // half a message, then the guest asks to reconnect
    page.set(XenStoreRingPage.CONNECTION_OFFSET, XenStoreRingPage.RECONNECT);
    server.onEvent();
    assertEquals(XenStoreRingPage.CONNECTED, page.get(XenStoreRingPage.CONNECTION_OFFSET));
    assertEquals(0, page.requestsPending());
    assertEquals(0, page.responsesPending());
  }
}
