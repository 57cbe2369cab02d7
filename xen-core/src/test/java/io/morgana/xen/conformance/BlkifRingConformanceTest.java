package io.morgana.xen.conformance;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.KernelLoop;
import io.morgana.xen.grant.GrantEntryV1;
import io.morgana.xen.grant.SharedPages;
import io.morgana.xen.ring.FrontRing;
import io.morgana.xen.ring.SharedRingLayout;
import io.morgana.xen.sim.ExternalDomain;
import io.morgana.xen.sim.SimDomain;
import io.morgana.xen.sim.SimHypervisor;
import io.morgana.xen.sim.SimMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Java frontend ({@link FrontRing}) drives the C backend, which serves a {@code blkif} ring with
 * {@code <xen/io/ring.h>}'s own macros ({@code BACK_RING_INIT}, {@code RING_COPY_REQUEST}, {@code
 * RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}, {@code RING_FINAL_CHECK_FOR_REQUESTS}) and checks every
 * field of every request against the pattern written here. One-page and multi-page rings. The C
 * side also decides, with ring.h's rule and without asking Java, when the frontend owes it an
 * event: a frontend that notifies twice, or never, makes it exit naming over- or
 * under-notification.
 */
class BlkifRingConformanceTest {

  private static final int REQUESTS = 3000;
  private static final int FRONT = 1;
  private static final int BACK = 0;

  @TempDir Path dir;

  @ParameterizedTest(name = "ring-page-order {0}, indices from {1}")
  @CsvSource({"0, 0", "1, 0", "2, 0", "0, 4294965296", "1, 4294967200"})
  void ringH_javaFrontendAndCBackendExchangeEveryRequestExactlyOnce(int order, long startIndex) throws Exception {
    run(order, startIndex, Notify.AS_RING_H);
  }

  @Test
  void ringH_cBackendRefusesAFrontendThatNotifiesWhenNothingIsDue() throws Exception {
    String stderr = runExpectingBackendFailure(Notify.TWICE);
    assertTrue(stderr.contains("over-notification"), stderr);
  }

  @Test
  void ringH_cBackendRefusesAFrontendThatPublishesWithoutNotifying() throws Exception {
    String stderr = runExpectingBackendFailure(Notify.NEVER);
    assertTrue(stderr.contains("under-notification"), stderr);
  }

  /** How the test frontend notifies after a push. */
  enum Notify {
    /** When RING_PUSH_REQUESTS_AND_CHECK_NOTIFY says so. */
    AS_RING_H,
    /** Twice when due: one event too many. */
    TWICE,
    /** Never. */
    NEVER
  }

  private String runExpectingBackendFailure(Notify notify) throws Exception {
    Path memoryFile = dir.resolve("memory");
    Path stderr = dir.resolve("backend.err");
    SimHypervisor hv = new SimHypervisor(SimMemory.mapFile(memoryFile, 128));
    try (KernelLoop loop = new KernelLoop("xen-front")) {
      loop.start();
      SimDomain front = hv.createDomain(FRONT, loop);
      ExternalDomain back = ExternalDomain.create(hv, BACK);
      SharedPages ring = front.grants().share(BACK, 1, false);
      FrontRing fr = FrontRing.init(ring.pages().segment(), SharedRingLayout.BLKIF_STRIDE);
      int frontPort = front.events().allocUnbound(BACK);
      int backPort = back.domain().events().bindInterdomain(FRONT, frontPort);
      Process c = ConformanceBackend.start(stderr, "blkif", memoryFile, front.grants().firstFrame(),
          front.grants().entries(), FRONT, BACK, backPort, 0, 1, ring.ref(0));
      try {
        back.connect(c.getInputStream(), c.getOutputStream());
        Frontend driver = new Frontend(fr, front, frontPort, notify);
        front.events().setHandler(frontPort, p -> driver.onEvent());
        loop.execute(driver::fill);
        assertTrue(c.waitFor(60, TimeUnit.SECONDS), "the backend should have refused the frontend");
        assertEquals(3, c.exitValue());
        return Files.readString(stderr);
      } finally {
        back.close();
        c.destroy();
      }
    }
  }

  private void run(int order, long startIndex, Notify notify) throws Exception {
    int start = (int) startIndex; // near 2^32: the free-running indices wrap during the run
    Path memoryFile = dir.resolve("memory");
    Path stderr = dir.resolve("backend.err");
    SimHypervisor hv = new SimHypervisor(SimMemory.mapFile(memoryFile, 128));
    try (KernelLoop loop = new KernelLoop("xen-front")) {
      loop.start();
      SimDomain front = hv.createDomain(FRONT, loop);
      ExternalDomain back = ExternalDomain.create(hv, BACK);
      int pages = 1 << order;
      SharedPages ring = front.grants().share(BACK, pages, false);
      FrontRing fr = FrontRing.init(ring.pages().segment(), SharedRingLayout.BLKIF_STRIDE);
      if (start != 0) { // a live ring re-attached at START (FRONT_RING_ATTACH / BACK_RING_ATTACH)
        MemorySegment sring = ring.pages().segment();
        sring.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, start);
        sring.set(JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, start);
        sring.set(JAVA_INT, SharedRingLayout.REQ_EVENT_OFFSET, start + 1);
        sring.set(JAVA_INT, SharedRingLayout.RSP_EVENT_OFFSET, start + 1);
        fr = FrontRing.attach(sring, SharedRingLayout.BLKIF_STRIDE, start);
      }
      int frontPort = front.events().allocUnbound(BACK);
      int backPort = back.domain().events().bindInterdomain(FRONT, frontPort);

      List<Object> args = new ArrayList<>(List.of(
          memoryFile, front.grants().firstFrame(), front.grants().entries(), FRONT, BACK, backPort,
          Integer.toUnsignedString(start), pages));
      for (int i = 0; i < pages; i++) {
        args.add(ring.ref(i));
      }
      Process c = ConformanceBackend.start(stderr, "blkif", args.toArray());
      try {
        back.connect(c.getInputStream(), c.getOutputStream());
        Frontend driver = new Frontend(fr, front, frontPort, notify);
        front.events().setHandler(frontPort, p -> driver.onEvent());
        loop.execute(driver::fill);
        try {
          driver.done.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // Say why the C side stopped (its stderr), not only that the event pipe broke.
          throw new AssertionError("frontend failed; backend alive: " + c.isAlive() + ", backend stderr: "
              + Files.readString(stderr), e);
        }

        assertEquals(REQUESTS, driver.answered.cardinality());
        assertEquals(null, back.failure(), "event pipe from the backend");
        assertTrue(ring.pages().segment().byteSize() == 4096L * pages);
        assertTrue(front.grants().inUse(ring.ref(0)), "the C backend marks the ring grant GTF_writing while mapped");
      } finally {
        back.close(); // end of file on the backend's event pipe: it unmaps and exits
        assertTrue(c.waitFor(60, TimeUnit.SECONDS), "backend did not exit");
      }
      Map<String, Long> counters = ConformanceBackend.counters(stderr);
      assertEquals(0, c.exitValue(), "backend failed: " + counters);
      assertEquals((long) REQUESTS, counters.get("requests"), counters.toString());
      assertEquals(0L, counters.get("bad"), "requests whose fields the C structs read differently: " + counters);
      assertEquals(Integer.toUnsignedLong(start + REQUESTS), counters.get("req_cons"), "C's req_cons, modulo 2^32");
      assertEquals(
          (long) SharedRingLayout.ringSize(4096L * pages, SharedRingLayout.BLKIF_STRIDE), counters.get("ring_size"));
      // Every notification the Java frontend decided to send reached the backend, plus the one
      // Xen raises when a port is bound.
      assertEquals(front.events().sentCount(frontPort) + 1, counters.get("events"), counters.toString());
      // The backend notified only when RING_PUSH_RESPONSES_AND_CHECK_NOTIFY said so: fewer times
      // than it pushed, never more.
      assertTrue(counters.get("notifies") <= counters.get("pushes"), counters.toString());
      // The C side's own count of events due (req_event values req_prod passed) bounds the events.
      assertTrue(counters.get("events") <= counters.get("crossed") + 1, counters.toString());
      for (int i = 0; i < pages; i++) {
        assertTrue(!front.grants().inUse(ring.ref(i)), "the backend unmapped ref " + ring.ref(i));
      }
      ring.close();
      assertEquals(0, GrantEntryV1.flags(front.grants().segment(), ring.ref(0)));
      System.out.printf(
          "blkif order %d from %s: %d requests, java notifies %d, C pushes %d, C notifies %d, java deliveries %d%n",
          order, Integer.toUnsignedString(start), REQUESTS, front.events().sentCount(frontPort), counters.get("pushes"),
          counters.get("notifies"), front.events().deliveredCount(frontPort));
    }
  }

  /** The frontend, on the loop thread. */
  private static final class Frontend {
    final FrontRing ring;
    final SimDomain domain;
    final int port;
    final Notify notify;
    final BitSet answered = new BitSet();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final MemorySegment response = Arena.ofAuto().allocate(BlkifLayout.RESPONSE_SIZE, 8);
    int nextId;

    Frontend(FrontRing ring, SimDomain domain, int port, Notify notify) {
      this.notify = notify;
      this.ring = ring;
      this.domain = domain;
      this.port = port;
    }

    void fill() {
      try {
        int queued = 0;
        while (!ring.full() && nextId < REQUESTS) {
          write(ring.segment(), ring.nextRequestSlot(), nextId++);
          queued++;
        }
        if (queued > 0 && notify == Notify.NEVER) {
          ring.pushRequests();
        } else if (queued > 0 && ring.pushRequestsAndCheckNotify()) {
          domain.events().notify(port);
          if (notify == Notify.TWICE) {
            domain.events().notify(port);
          }
        }
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    }

    void onEvent() {
      try {
        do {
          int n = ring.unconsumedResponses();
          for (int i = 0; i < n; i++) {
            ring.copyNextResponse(response);
            long id = response.get(JAVA_LONG, BlkifLayout.RSP_ID);
            int op = response.get(JAVA_BYTE, BlkifLayout.RSP_OPERATION);
            int status = response.get(JAVA_SHORT, BlkifLayout.RSP_STATUS);
            if (id < 0 || id >= nextId || answered.get((int) id)) {
              throw new AssertionError("response for id " + id + " never asked or answered twice");
            }
            if (op != (int) (id & 1) || status != BlkifLayout.BLKIF_RSP_OKAY) {
              throw new AssertionError("response " + id + ": operation " + op + " status " + status);
            }
            answered.set((int) id);
          }
          fill();
        } while (ring.finalCheckForResponses());
        if (answered.cardinality() == REQUESTS) {
          done.complete(null);
        }
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    }

    static void write(MemorySegment s, long at, long id) {
      s.asSlice(at, BlkifLayout.REQUEST_SIZE).fill((byte) 0);
      int segments = (int) (id % BlkifLayout.MAX_SEGMENTS) + 1;
      s.set(JAVA_BYTE, at + BlkifLayout.OPERATION, (byte) (id & 1));
      s.set(JAVA_BYTE, at + BlkifLayout.NR_SEGMENTS, (byte) segments);
      s.set(JAVA_SHORT, at + BlkifLayout.HANDLE, (short) 0x1234);
      s.set(JAVA_LONG, at + BlkifLayout.ID, id);
      s.set(JAVA_LONG, at + BlkifLayout.SECTOR_NUMBER, id * 8);
      for (int k = 0; k < segments; k++) {
        long seg = at + BlkifLayout.SEG + (long) k * BlkifLayout.SEG_SIZE;
        s.set(JAVA_INT, seg + BlkifLayout.SEG_GREF, (int) (id * 16 + k));
        s.set(JAVA_BYTE, seg + BlkifLayout.SEG_FIRST_SECT, (byte) (k % 8));
        s.set(JAVA_BYTE, seg + BlkifLayout.SEG_LAST_SECT, (byte) 7);
      }
    }
  }
}
