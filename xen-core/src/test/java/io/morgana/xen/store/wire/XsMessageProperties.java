package io.morgana.xen.store.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The codec round-trips every message and refuses any other bytes with its one exception. */
class XsMessageProperties {

  @Provide
  Arbitrary<XsMessage> messages() {
    return Arbitraries.of(XsMessageType.values()).flatMap(t ->
        Arbitraries.integers().flatMap(req ->
            Arbitraries.integers().flatMap(tx ->
                Arbitraries.bytes().array(byte[].class).ofMaxSize(XsHeader.PAYLOAD_MAX)
                    .map(p -> new XsMessage(t, req, tx, p)))));
  }

  @Property(seed = "20261126", tries = 300)
  void roundTrip(@ForAll("messages") XsMessage m) throws Exception {
    byte[] bytes = m.encode();
    assertEquals(XsHeader.SIZE + m.payload().length, bytes.length);
    assertEquals(m, XsMessage.parse(bytes, 0, bytes.length));
    XsHeader h = XsHeader.parse(bytes, 0, bytes.length);
    assertEquals(m.header(), h);
  }

  @Property(seed = "20261126", tries = 200)
  void roundTripThroughFrameDecoderInRandomPieces(
      @ForAll("messages") XsMessage m, @ForAll @IntRange(min = 1, max = 300) int piece) throws Exception {
    byte[] bytes = m.encode();
    XsFrameDecoder d = new XsFrameDecoder();
    List<XsFrameDecoder.Frame> out = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += piece) {
      d.feed(bytes, i, Math.min(piece, bytes.length - i), out::add);
    }
    assertEquals(1, out.size());
    assertEquals(m, out.get(0).message());
  }

  @Property(seed = "20261126", tries = 200)
  void stringListsRoundTrip(@ForAll @Size(max = 8) List<@net.jqwik.api.constraints.AlphaChars String> strings)
      throws Exception {
    assertEquals(strings, XsPayloads.parseStrings(XsPayloads.strings(strings)));
  }

  @Property(seed = "20261126", tries = 1000)
  void randomBytesThrowOnlyTheCodecException(
      @ForAll @Size(max = 64) byte[] bytes, @ForAll @IntRange(min = -2, max = 70) int length) {
    expectOnlyMalformed(() -> XsMessage.parse(bytes, 0, length));
    expectOnlyMalformed(() -> XsHeader.parse(bytes, 0, length));
    expectOnlyMalformed(() -> XsPayloads.parseStrings(bytes));
    expectOnlyMalformed(() -> XsPayloads.parseSingleString(bytes));
    expectOnlyMalformed(() -> XsPayloads.parsePathAndValue(bytes));
    expectOnlyMalformed(() -> XsWatchEvent.parse(bytes));
    expectOnlyMalformed(() -> {
      XsPayloads.parseOk(bytes);
      return null;
    });
    expectOnlyMalformed(() -> {
      XsFrameDecoder d = new XsFrameDecoder();
      List<XsFrameDecoder.Frame> frames = new ArrayList<>();
      d.feed(bytes, 0, bytes.length, frames::add);
      for (XsFrameDecoder.Frame f : frames) {
        f.message();
      }
      return null;
    });
  }

  @Property(seed = "20261126", tries = 300)
  void hostileRingIndicesNeverReachOutsideThePage(
      @ForAll int reqCons, @ForAll int reqProd, @ForAll int rspCons, @ForAll int rspProd) {
    try (var arena = java.lang.foreign.Arena.ofConfined()) {
      var seg = arena.allocate(XenStoreRingPage.SIZE, 4096);
      XenStoreRingPage page = XenStoreRingPage.wrap(seg);
      page.set(XenStoreRingPage.REQ_CONS_OFFSET, reqCons);
      page.set(XenStoreRingPage.REQ_PROD_OFFSET, reqProd);
      page.set(XenStoreRingPage.RSP_CONS_OFFSET, rspCons);
      page.set(XenStoreRingPage.RSP_PROD_OFFSET, rspProd);
      byte[] buf = new byte[2048];
      expectOnlyMalformed(() -> page.writeRequest(buf, 0, buf.length));
      expectOnlyMalformed(() -> page.readRequest(buf, 0, buf.length));
      expectOnlyMalformed(() -> page.writeResponse(buf, 0, buf.length));
      expectOnlyMalformed(() -> page.readResponse(buf, 0, buf.length));
    }
  }

  @Property(seed = "20261126", tries = 200)
  void ringCarriesBytesAcrossTheWrap(@ForAll int start, @ForAll @Size(min = 1, max = 3000) byte[] data,
      @ForAll @IntRange(min = 1, max = 1024) int readChunk) throws Exception {
    try (var arena = java.lang.foreign.Arena.ofConfined()) {
      XenStoreRingPage page = XenStoreRingPage.wrap(arena.allocate(XenStoreRingPage.SIZE, 4096));
      page.set(XenStoreRingPage.REQ_CONS_OFFSET, start);
      page.set(XenStoreRingPage.REQ_PROD_OFFSET, start);
      byte[] out = new byte[data.length];
      int written = 0;
      int read = 0;
      byte[] chunk = new byte[readChunk];
      while (read < data.length) {
        written += page.writeRequest(data, written, data.length - written);
        int n = page.readRequest(chunk, 0, chunk.length);
        System.arraycopy(chunk, 0, out, read, n);
        read += n;
      }
      assertArrayEquals(data, out);
    }
  }

  private interface Op {
    Object run() throws Exception;
  }

  private static void expectOnlyMalformed(Op op) {
    try {
      op.run();
    } catch (MalformedXenStoreMessageException expected) {
      // the codec's one exception
    } catch (Exception e) {
      throw new AssertionError("codec threw " + e, e);
    }
  }
}
