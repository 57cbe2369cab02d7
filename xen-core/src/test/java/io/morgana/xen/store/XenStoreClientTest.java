package io.morgana.xen.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.DeterministicLoop;
import io.morgana.xen.store.sim.SimXenStore;
import io.morgana.xen.store.wire.XenStoreRingPage;
import io.morgana.xen.store.wire.XsError;
import io.morgana.xen.store.wire.XsMessage;
import io.morgana.xen.store.wire.XsMessageType;
import io.morgana.xen.store.wire.XsPayloads;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The client's protocol handling: req_id routing, interleaved events, malformed replies, timeouts, the ring transport. */
class XenStoreClientTest {

  private final DeterministicLoop loop = new DeterministicLoop();

  /** A transport whose replies the test writes: the responder maps each request to raw reply bytes (or null: no reply). */
  private static final class ScriptedTransport implements XenStoreTransport {
    final List<XsMessage> sent = new ArrayList<>();
    final Function<XsMessage, byte[]> responder;
    Receiver receiver;
    boolean closed;

    ScriptedTransport(Function<XsMessage, byte[]> responder) {
      this.responder = responder;
    }

    @Override
    public void start(Receiver receiver) {
      this.receiver = receiver;
    }

    @Override
    public synchronized void send(byte[] message, int offset, int length) {
      if (closed) {
        throw new XenStoreException(XsError.EIO, "closed");
      }
      XsMessage m;
      try {
        m = XsMessage.parse(message, offset, length);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      sent.add(m);
      byte[] reply = responder.apply(m);
      if (reply != null) {
        receiver.onBytes(reply, 0, reply.length);
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static byte[] raw(int type, int reqId, int txId, int len, byte[] payload) {
    byte[] out = new byte[16 + payload.length];
    io.morgana.xen.store.wire.XsPacket.wrap(out, 0).type(type).reqId(reqId).txId(txId).length(len);
    System.arraycopy(payload, 0, out, 16, payload.length);
    return out;
  }

  private XenStoreClient scripted(Function<XsMessage, byte[]> responder, Duration timeout) {
    return new XenStoreClient(new ScriptedTransport(responder), loop, timeout);
  }

  @Test
  void unknownReplyTypeIsAProtocolError() {
    XenStoreClient c = scripted(m -> raw(20, m.reqId(), 0, 0, new byte[0]), Duration.ofSeconds(5));
    XenStoreException e = assertThrows(XenStoreException.class, () -> c.blocking().read("/x"));
    assertInstanceOf(XenStoreProtocolException.class, e);
    assertEquals(1, c.malformedMessages());
  }

  @Test
  void missingNulInOkReplyIsAProtocolError() {
    XenStoreClient c = scripted(m -> raw(m.type().code(), m.reqId(), 0, 2, new byte[] {'O', 'K'}), Duration.ofSeconds(5));
    assertInstanceOf(XenStoreProtocolException.class, assertThrows(XenStoreException.class, () -> c.blocking().write("/x", "1")));
    XenStoreClient d = scripted(m -> raw(m.type().code(), m.reqId(), 0, 3, new byte[] {'a', 0, 'b'}), Duration.ofSeconds(5));
    assertInstanceOf(XenStoreProtocolException.class, assertThrows(XenStoreException.class, () -> d.blocking().directory("/x")));
    XenStoreClient e = scripted(m -> raw(16, m.reqId(), 0, 6, "ENOENT".getBytes()), Duration.ofSeconds(5));
    assertInstanceOf(XenStoreProtocolException.class, assertThrows(XenStoreException.class, () -> e.blocking().read("/x")));
  }

  @Test
  void replyOfAnotherTypeIsAProtocolError() {
    XenStoreClient c = scripted(m -> new XsMessage(XsMessageType.READ, m.reqId(), 0, XsPayloads.ok()).encode(),
        Duration.ofSeconds(5));
    assertInstanceOf(XenStoreProtocolException.class, assertThrows(XenStoreException.class, () -> c.blocking().mkdir("/x")));
  }

  @Test
  void oversizeLengthBreaksTheConnectionForEveryone() {
    XenStoreClient c = scripted(m -> raw(m.type().code(), m.reqId(), 0, 4097, new byte[0]), Duration.ofSeconds(5));
    assertInstanceOf(XenStoreProtocolException.class, assertThrows(XenStoreException.class, () -> c.blocking().read("/x")));
    XenStoreException later = assertThrows(XenStoreException.class, () -> c.blocking().read("/y"));
    assertEquals(XsError.EIO, later.error());
  }

  @Test
  void shortPayloadTimesOutInsteadOfHanging() {
    // The header promises 10 bytes, 3 arrive, then nothing: a timeout, not a hang.
    XenStoreClient c = scripted(m -> raw(m.type().code(), m.reqId(), 0, 10, new byte[] {'a', 'b', 'c'}),
        Duration.ofMillis(200));
    assertInstanceOf(XenStoreTimeoutException.class, assertThrows(XenStoreException.class, () -> c.blocking().read("/x")));
  }

  @Test
  void asyncRequestTimesOutOnTheLoopClock() {
    XenStoreClient c = scripted(m -> null, Duration.ofSeconds(3));
    CompletableFuture<XsMessage> f = c.request(XsMessageType.READ, 0, XsPayloads.strings("/x"));
    loop.advance(Duration.ofSeconds(2));
    assertTrue(!f.isDone());
    loop.advance(Duration.ofSeconds(2));
    CompletionException e = assertThrows(CompletionException.class, f::join);
    assertInstanceOf(XenStoreTimeoutException.class, e.getCause());
    assertEquals(0, c.outstandingRequests());
  }

  @Test
  void errorRepliesMapToTheirErrnoName() {
    for (XsError err : XsError.values()) {
      XenStoreClient c = scripted(m -> new XsMessage(XsMessageType.ERROR, m.reqId(), 0, XsPayloads.strings(err.name())).encode(),
          Duration.ofSeconds(5));
      XenStoreException e = assertThrows(XenStoreException.class, () -> c.blocking().read("/x"));
      assertEquals(err, e.error());
      assertEquals(err.name(), e.errnoName());
    }
    XenStoreClient c = scripted(m -> new XsMessage(XsMessageType.ERROR, m.reqId(), 0, XsPayloads.strings("EWEIRD")).encode(),
        Duration.ofSeconds(5));
    XenStoreException e = assertThrows(XenStoreException.class, () -> c.blocking().read("/x"));
    assertEquals("EWEIRD", e.errnoName());
    assertEquals(XsError.EIO, e.error());
  }

  @Test
  void repliesRoutedByReqIdEvenOutOfOrderWithEventsInterleaved() {
    List<XsMessage> held = new ArrayList<>();
    ScriptedTransport t = new ScriptedTransport(m -> {
      held.add(m);
      return null;
    });
    List<String> events = new ArrayList<>();
    XenStoreClient c = new XenStoreClient(t, loop, Duration.ofSeconds(5));
    CompletableFuture<XsMessage> a = c.request(XsMessageType.READ, 0, XsPayloads.strings("/a"));
    CompletableFuture<XsMessage> b = c.request(XsMessageType.READ, 0, XsPayloads.strings("/b"));
    loop.runUntilIdle(); // sent on the loop
    // Reply to b first, then a watch event for nobody, then a reply for nobody, then a.
    byte[] rb = new XsMessage(XsMessageType.READ, held.get(1).reqId(), 0, "B".getBytes()).encode();
    byte[] ev = new XsMessage(XsMessageType.WATCH_EVENT, 0, 0, XsPayloads.strings("/p", "tok")).encode();
    byte[] stray = new XsMessage(XsMessageType.READ, 9999, 0, "?".getBytes()).encode();
    byte[] ra = new XsMessage(XsMessageType.READ, held.get(0).reqId(), 0, "A".getBytes()).encode();
    byte[] all = concat(rb, ev, stray, ra);
    for (int i = 0; i < all.length; i += 5) { // in 5-byte pieces
      t.receiver.onBytes(all, i, Math.min(5, all.length - i));
    }
    assertTrue(!a.isDone(), "received bytes are decoded on the loop");
    loop.runUntilIdle();
    assertEquals("A", new String(a.join().payload()));
    assertEquals("B", new String(b.join().payload()));
    assertEquals(2, c.unmatchedReplies());
    assertTrue(held.get(0).reqId() != 0 && held.get(0).reqId() != held.get(1).reqId());
    loop.runUntilIdle();
    assertEquals(List.of(), events);
  }

  @Test
  void watchReplyWithReqIdZeroFromOlderKernelsIsAccepted() {
    XenStoreClient c = scripted(m -> m.type() == XsMessageType.WATCH
        ? new XsMessage(XsMessageType.WATCH, 0, 0, XsPayloads.ok()).encode()
        : null, Duration.ofSeconds(5));
    Watch w = c.blocking().watch("/x", "t", (p, t) -> {});
    assertEquals("/x", w.path());
    assertEquals(0, c.outstandingRequests());
  }

  @Test
  void watchEventsGoToTheWatchesOfTheirTokenWhosePathIsRelated() {
    ScriptedTransport t = new ScriptedTransport(m -> new XsMessage(m.type(), m.reqId(), 0, XsPayloads.ok()).encode());
    XenStoreClient c = new XenStoreClient(t, loop, Duration.ofSeconds(5));
    List<String> deep = new ArrayList<>();
    List<String> other = new ArrayList<>();
    c.blocking().watch("/a/b/c", "t", (p, tok) -> deep.add(p));
    c.blocking().watch("/x", "t", (p, tok) -> other.add(p));
    for (String path : List.of("/a/b/c/d", "/a", "/a/bc", "/x")) {
      byte[] ev = new XsMessage(XsMessageType.WATCH_EVENT, 0, 0, XsPayloads.strings(path, "t")).encode();
      t.receiver.onBytes(ev, 0, ev.length);
    }
    loop.runUntilIdle(); // the listeners run on the loop
    // Below the watch (C xenstored), or a removed ancestor (oxenstored); "/a/bc" is neither.
    assertEquals(List.of("/a/b/c/d", "/a"), deep);
    assertEquals(List.of("/x"), other);
    assertEquals(1, c.unmatchedReplies(), "the event of no watch is counted");
  }

  @Test
  void payloadOverTheLimitIsRefusedBeforeSending() {
    ScriptedTransport t = new ScriptedTransport(m -> null);
    XenStoreClient c = new XenStoreClient(t, loop, Duration.ofSeconds(5));
    XenStoreException e = assertThrows(XenStoreException.class, () -> c.blocking().write("/x", new byte[4096]));
    assertEquals(XsError.E2BIG, e.error());
    assertEquals(0, t.sent.size());
  }

  @Test
  void manyThreadsWithOutstandingRequests() throws Exception {
    SimXenStore store = new SimXenStore();
    try (io.morgana.runtime.KernelLoop kernelLoop = new io.morgana.runtime.KernelLoop("xenstore-test");
        ExecutorService pool = Executors.newFixedThreadPool(8)) {
      kernelLoop.start();
      XenStoreClient c = new XenStoreClient(store.transport(0), kernelLoop, Duration.ofSeconds(30));
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            c.blocking().write("/thread/" + id + "/" + i, id + ":" + i);
            assertEquals(id + ":" + i, c.blocking().read("/thread/" + id + "/" + i));
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      assertEquals(8, c.blocking().directory("/thread").size());
      assertEquals(0, c.outstandingRequests());
    }
  }

  @Test
  void ringTransportAgainstTheSimulatedServerIncludingWrapAndFullRings() {
    SimXenStore store = new SimXenStore();
    store.introduceDomain(1);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment page = arena.allocate(4096, 4096);
      // Doorbells: each side's notify runs the other side's handler (the event channel, synchronously).
      SimXenStore.RingServer[] server = new SimXenStore.RingServer[1];
      XenStoreRingTransport[] guest = new XenStoreRingTransport[1];
      guest[0] = new XenStoreRingTransport(page, () -> server[0].onEvent());
      server[0] = store.serveRing(1, page, () -> guest[0].onEvent());
      XenStoreClient c = new XenStoreClient(guest[0], loop, Duration.ofSeconds(5));
      List<String> events = new ArrayList<>();
      c.blocking().watch("data", "w", (p, t) -> events.add(p));
      String big = "v".repeat(2000); // larger than the 1024-byte rings, in both directions
      for (int i = 0; i < 20; i++) {
        c.blocking().write("data/k" + i, big + i);
        assertEquals(big + i, c.blocking().read("data/k" + i));
      }
      assertEquals(20, c.blocking().directory("data").size());
      assertEquals(XsError.ENOENT, assertThrows(XenStoreException.class, () -> c.blocking().read("nothing")).error());
      loop.runUntilIdle();
      assertEquals(22, events.size()); // registration, creation of data, 20 keys
      assertEquals("data", events.get(0));
      XenStoreRingPage p = XenStoreRingPage.wrap(page);
      assertTrue(Integer.compareUnsigned(p.get(XenStoreRingPage.REQ_PROD_OFFSET), 20 * 2000) > 0, "indices wrapped");
      assertEquals(XenStoreRingPage.ERROR_NONE, p.get(XenStoreRingPage.ERROR_OFFSET));
    }
  }

  @Test
  void hostileRingIndicesFromTheServerFailTheClient() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment page = arena.allocate(4096, 4096);
      XenStoreRingPage p = XenStoreRingPage.wrap(page);
      XenStoreRingTransport t = new XenStoreRingTransport(page, () -> {
        p.set(XenStoreRingPage.RSP_PROD_OFFSET, 5000); // a server claiming 5000 bytes in a 1024-byte ring
      });
      XenStoreClient c = new XenStoreClient(t, loop, Duration.ofSeconds(1));
      CompletableFuture<XsMessage> f = c.request(XsMessageType.READ, 0, XsPayloads.strings("/x"));
      loop.runUntilIdle();
      t.onEvent();
      loop.runUntilIdle();
      CompletionException e = assertThrows(CompletionException.class, f::join);
      assertEquals(XsError.EIO, ((XenStoreException) e.getCause()).error());
    }
  }

  @Test
  void theLoopKeepsRunningOtherWorkWhileARequestIsOutstanding() {
    List<XsMessage> held = new ArrayList<>();
    ScriptedTransport t = new ScriptedTransport(m -> {
      held.add(m);
      return null; // the store answers later
    });
    XenStoreClient c = new XenStoreClient(t, loop, Duration.ofSeconds(30));
    List<String> seen = new ArrayList<>();
    loop.execute(() -> c.read("/slow").thenAccept(v -> seen.add("read " + v + " on loop=" + loop.inLoop() + " at " + loop.nowNanos())));
    loop.schedule(1_000_000_000L, () -> seen.add("timer at " + loop.nowNanos()));
    loop.advance(Duration.ofSeconds(2));
    assertEquals(List.of("timer at 1000000000"), seen, "the timer fired while READ was outstanding");
    assertEquals(1, c.outstandingRequests());
    byte[] reply = new XsMessage(XsMessageType.READ, held.get(0).reqId(), 0, "v".getBytes()).encode();
    t.receiver.onBytes(reply, 0, reply.length);
    loop.runUntilIdle();
    assertEquals(List.of("timer at 1000000000", "read v on loop=true at 2000000000"), seen);
  }

  @Test
  void aBlockingCallOnTheLoopThreadFailsAtOnceNamingIt() {
    XenStoreClient c = scripted(m -> new XsMessage(XsMessageType.READ, m.reqId(), 0, "v".getBytes()).encode(),
        Duration.ofSeconds(5));
    List<Throwable> thrown = new ArrayList<>();
    loop.execute(() -> {
      try {
        c.blocking().read("/x");
      } catch (Throwable e) {
        thrown.add(e);
      }
    });
    loop.runUntilIdle();
    IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown.get(0));
    assertTrue(e.getMessage().startsWith("XenStore.read blocks and was called on kernel loop thread"), e.getMessage());
    assertEquals(0, c.outstandingRequests(), "nothing was sent");
    assertEquals("v", c.blocking().read("/x"), "from the test thread, the same call drives the loop");
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
