package io.morgana.xen.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of {@link FrontRing}/{@link BackRing} with the notification rules of {@code
 * io/ring.h}: a side sleeps only after its final check found nothing, and wakes only on an event
 * (or its own application's work). Any interleaving then delivers every request and response
 * exactly once and in order, and never strands work behind a missed notification; hostile index
 * values only ever raise {@link RingException}.
 */
class RingProperties {

  private static final int STRIDE = 8;

  /** A ring of exactly {@code entries} slots, nothing more: any stray access is out of bounds. */
  private static MemorySegment ringMemory(int entries) {
    return Arena.ofAuto().allocate(SharedRingLayout.RING_OFFSET + (long) entries * STRIDE, 8);
  }

  @Provide
  Arbitrary<Integer> startIndex() {
    return Arbitraries.oneOf(
        Arbitraries.just(0),
        Arbitraries.integers().between(-40, -1), // free-running indices about to wrap at 2^32
        Arbitraries.integers());
  }

  @Property(tries = 400, seed = "20261126")
  void ringH_anyInterleavingDeliversEverythingExactlyOnceWithoutMissedNotifications(
      @ForAll("sizes") int entries,
      @ForAll("startIndex") int start,
      @ForAll @IntRange(min = 1, max = 200) int total,
      @ForAll long scheduleSeed) {
    MemorySegment s = ringMemory(entries);
    SharedRingLayout.init(s);
    s.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, start);
    s.set(JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, start);
    s.set(JAVA_INT, SharedRingLayout.REQ_EVENT_OFFSET, start + 1);
    s.set(JAVA_INT, SharedRingLayout.RSP_EVENT_OFFSET, start + 1);
    FrontRing front = FrontRing.attach(s, STRIDE, start);
    BackRing back = BackRing.attach(s, STRIDE, start);
    Sim sim = new Sim(front, back, total, new Random(scheduleSeed));

    for (int step = 0; step < 2000; step++) {
      sim.randomStep();
    }
    sim.drain();

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      expected.add(i);
    }
    assertEquals(expected, sim.backendSaw, "backend saw every request once, in order");
    assertEquals(expected, sim.frontendSaw, "frontend saw every response once, in order");
  }

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.of(1, 2, 4, 8, 32);
  }

  /** Two sides following ring.h's sleep/notify discipline, driven by a random schedule. */
  private static final class Sim {
    final FrontRing front;
    final BackRing back;
    final int total;
    final Random random;
    final List<Integer> backendSaw = new ArrayList<>();
    final List<Integer> frontendSaw = new ArrayList<>();
    final ArrayDeque<Integer> toAnswer = new ArrayDeque<>();
    int produced;
    boolean backAwake = true;
    boolean frontAwake = true;
    boolean backEvent;
    boolean frontEvent;

    Sim(FrontRing front, BackRing back, int total, Random random) {
      this.front = front;
      this.back = back;
      this.total = total;
      this.random = random;
    }

    void randomStep() {
      switch (random.nextInt(3)) {
        case 0 -> produce(1 + random.nextInt(4));
        case 1 -> {
          if (backAwake || backEvent) {
            backStep(random.nextInt(4), random.nextInt(4), random.nextBoolean());
          }
        }
        default -> {
          if (frontAwake || frontEvent) {
            frontStep(random.nextInt(4), random.nextBoolean());
          }
        }
      }
    }

    void drain() {
      for (int guard = 0; guard < 100_000; guard++) {
        if (backAwake || backEvent) {
          backStep(Integer.MAX_VALUE, Integer.MAX_VALUE, true);
        } else if (frontAwake || frontEvent) {
          frontStep(Integer.MAX_VALUE, true);
        } else if (produced < total) {
          produce(Integer.MAX_VALUE);
        } else {
          return;
        }
      }
      throw new AssertionError("drain did not settle");
    }

    void produce(int max) {
      int n = 0;
      while (n < max && produced < total && !front.full()) {
        long at = front.nextRequestSlot();
        front.segment().set(JAVA_INT, at, produced++);
        n++;
      }
      if (n > 0 && front.pushRequestsAndCheckNotify()) {
        backEvent = true;
      }
    }

    void backStep(int consume, int answer, boolean trySleep) {
      backEvent = false;
      backAwake = true;
      int available = back.unconsumedRequests();
      for (int i = 0; i < Math.min(consume, available); i++) {
        int value = back.segment().get(JAVA_INT, back.nextRequestSlot());
        backendSaw.add(value);
        toAnswer.add(value);
      }
      int answered = 0;
      while (answered < answer && !toAnswer.isEmpty()) {
        back.segment().set(JAVA_INT, back.nextResponseSlot(), toAnswer.poll());
        answered++;
      }
      if (answered > 0 && back.pushResponsesAndCheckNotify()) {
        frontEvent = true;
      }
      if (trySleep && toAnswer.isEmpty() && !back.finalCheckForRequests()) {
        backAwake = false;
      }
    }

    void frontStep(int consume, boolean trySleep) {
      frontEvent = false;
      frontAwake = true;
      int available = front.unconsumedResponses();
      for (int i = 0; i < Math.min(consume, available); i++) {
        frontendSaw.add(front.segment().get(JAVA_INT, front.nextResponseSlot()));
      }
      if (trySleep && !front.finalCheckForResponses()) {
        frontAwake = false;
      }
    }
  }

  @Property(tries = 400, seed = "20261127")
  void hostileIndicesRaiseOnlyRingExceptions(
      @ForAll("sizes") int entries, @ForAll("startIndex") int start, @ForAll long seed) {
    MemorySegment s = ringMemory(entries);
    SharedRingLayout.init(s);
    FrontRing front = FrontRing.attach(s, STRIDE, start);
    BackRing back = BackRing.attach(s, STRIDE, start);
    Random random = new Random(seed);
    long ringEnd = SharedRingLayout.RING_OFFSET + (long) entries * STRIDE;
    int rejected = 0;
    int overflows = 0;
    for (int step = 0; step < 300; step++) {
      try {
        switch (random.nextInt(10)) {
          case 0 -> s.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, hostile(random, start));
          case 1 -> s.set(JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, hostile(random, start));
          case 2 -> s.set(JAVA_INT, 4 * random.nextInt(4), hostile(random, start));
          case 3 -> {
            if (!front.full()) {
              long at = front.nextRequestSlot();
              assertTrue(at >= SharedRingLayout.RING_OFFSET && at + STRIDE <= ringEnd);
              front.pushRequestsAndCheckNotify();
            }
          }
          case 4 -> {
            int n = back.unconsumedRequests();
            for (int i = 0; i < n; i++) {
              long at = back.nextRequestSlot();
              assertTrue(at >= SharedRingLayout.RING_OFFSET && at + STRIDE <= ringEnd);
              s.get(JAVA_INT, at);
            }
            back.finalCheckForRequests();
          }
          case 5 -> {
            if (back.rspProdPvt() != back.reqCons()) {
              long at = back.nextResponseSlot();
              assertTrue(at >= SharedRingLayout.RING_OFFSET && at + STRIDE <= ringEnd);
              back.pushResponsesAndCheckNotify();
            }
          }
          case 6 -> {
            int n = front.unconsumedResponses();
            for (int i = 0; i < n; i++) {
              s.get(JAVA_INT, front.nextResponseSlot());
            }
            front.finalCheckForResponses();
          }
          case 7 -> { // RING_RESPONSE_PROD_OVERFLOW: more responses than the ring holds
            overflows++;
            s.set(JAVA_INT, SharedRingLayout.RSP_PROD_OFFSET, front.rspCons() + entries + 1 + random.nextInt(1 << 20));
            front.unconsumedResponses();
            throw new AssertionError("rsp_prod more than a ring ahead of rsp_cons was accepted");
          }
          case 8 -> { // RING_REQUEST_PROD_OVERFLOW: more requests than the ring holds
            overflows++;
            s.set(JAVA_INT, SharedRingLayout.REQ_PROD_OFFSET, back.rspProdPvt() + entries + 1 + random.nextInt(1 << 20));
            back.unconsumedRequests();
            throw new AssertionError("req_prod more than a ring ahead of rsp_prod_pvt was accepted");
          }
          default -> {
            ByteRing bytes = new ByteRing(s, SharedRingLayout.RING_OFFSET, Integer.highestOneBit(entries * STRIDE), 0, 8);
            byte[] buffer = new byte[1 + random.nextInt(64)];
            if (random.nextBoolean()) {
              bytes.write(MemorySegment.ofArray(buffer), 0, buffer.length);
            } else {
              bytes.read(MemorySegment.ofArray(buffer), 0, buffer.length);
            }
          }
        }
      } catch (RingException expected) {
        rejected++;
      }
    }
    assertTrue(rejected >= overflows, rejected + " rejections for " + overflows + " certain overflows");
  }

  @Property(tries = 300, seed = "20261128")
  void consoleH_byteRingDeliversTheStreamExactlyOnceInOrder(
      @ForAll("startIndex") int start, @ForAll long seed, @ForAll("byteRingSizes") int size) {
    int indices = (size + 3) & ~3;
    MemorySegment s = Arena.ofAuto().allocate(indices + 8, 8);
    s.set(JAVA_INT, indices, start); // cons
    s.set(JAVA_INT, indices + 4, start); // prod
    ByteRing ring = new ByteRing(s, 0, size, indices, indices + 4);
    Random random = new Random(seed);
    byte[] stream = new byte[5000];
    random.nextBytes(stream);
    byte[] got = new byte[stream.length];
    int written = 0;
    int read = 0;
    while (read < stream.length) {
      if (random.nextBoolean() && written < stream.length) {
        int want = Math.min(1 + random.nextInt(2 * size), stream.length - written);
        int n = ring.write(MemorySegment.ofArray(stream), written, want);
        assertTrue(n <= want && n >= 0);
        assertTrue(written + n - read <= size, "never more than the ring holds");
        written += n;
      } else {
        int n = ring.read(MemorySegment.ofArray(got), read, 1 + random.nextInt(2 * size));
        assertTrue(read + n <= written, "never reads what was not written");
        read += n;
      }
    }
    assertEquals(java.util.Arrays.toString(stream), java.util.Arrays.toString(got));
    assertEquals(start + stream.length, ring.prod());
  }

  @Provide
  Arbitrary<Integer> byteRingSizes() {
    return Arbitraries.of(1, 16, 1024, 2048);
  }

  private static int hostile(Random random, int start) {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextInt();
      case 1 -> start + random.nextInt(80) - 40;
      case 2 -> Integer.MIN_VALUE + random.nextInt(3);
      default -> -1 - random.nextInt(3);
    };
  }
}
