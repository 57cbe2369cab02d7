package io.morgana.net.tcpip.ipv4;

import static io.morgana.net.tcpip.ipv4.FragmentKit.feed;
import static io.morgana.net.tcpip.ipv4.FragmentKit.fragment;
import static io.morgana.net.tcpip.ipv4.FragmentKit.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.wire.Checksum;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.runtime.Pollable;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Reassembler} on its own: its memory budget, eviction and timeouts (issue 8). */
class ReassemblerTest {

  private static final long S = TimeUnit.SECONDS.toNanos(1);
  private static final int UDP = 17;
  /** What a 1,480-byte first fragment (20-byte header) that starts a datagram costs. */
  private static final int FIRST_COST = 1500 + Reassembler.FRAGMENT_OVERHEAD + Reassembler.DATAGRAM_OVERHEAD;

  private final ProtocolCounters<Ipv4Counter> counters = new ProtocolCounters<>(Ipv4Counter.class);
  private final FragmentKit.TrackingAllocator alloc = new FragmentKit.TrackingAllocator();
  private final List<String> timedOut = new ArrayList<>();
  private Reassembler r;

  private Reassembler reassembler(ReassemblyLimits limits) {
    r = new Reassembler(limits, counters, alloc,
        (first, bcast, now) -> timedOut.add(first.source() + "/" + first.identification() + "/"
            + first.availablePayloadLength()));
    return r;
  }

  @AfterEach
  void released() {
    if (r != null) {
      r.close();
      assertEquals(0, r.bytesHeld());
      assertEquals(0, r.inProgress());
    }
    assertEquals(0, alloc.outstanding(), "buffers never released");
  }

  private static List<Ipv4Packet> cut(int src, int id, byte[] payload, int size) {
    List<Ipv4Packet> out = new ArrayList<>();
    for (int off = 0; off < payload.length; off += size) {
      int end = Math.min(payload.length, off + size);
      out.add(fragment(src, UDP, id, off, Arrays.copyOfRange(payload, off, end), end < payload.length));
    }
    return out;
  }

  private byte[] deliver(ByteBuf whole) {
    try {
      return ByteBufUtil.getBytes(whole, whole.readerIndex() + 20, whole.readableBytes() - 20);
    } finally {
      whole.release();
    }
  }

  @Test
  void linuxDefaults() {
    assertEquals(4L << 20, ReassemblyLimits.LINUX_DEFAULTS.highThresholdBytes());
    assertEquals(3L << 20, ReassemblyLimits.LINUX_DEFAULTS.lowThresholdBytes());
    assertEquals(30 * S, ReassemblyLimits.LINUX_DEFAULTS.timeoutNanos());
    assertThrows(IllegalArgumentException.class, () -> new ReassemblyLimits(100, 101, S));
    assertThrows(IllegalArgumentException.class, () -> new ReassemblyLimits(0, 0, S));
    assertThrows(IllegalArgumentException.class, () -> new ReassemblyLimits(100, 50, 0));
  }

  @Test
  void aFirstFragmentHoldsItsOwnSizeNotADatagramBuffer() {
    reassembler(ReassemblyLimits.LINUX_DEFAULTS);
    assertNull(feed(r, fragment(1, UDP, 1, 0, new byte[1480], true), 0));
    assertEquals(FIRST_COST, r.bytesHeld());
    assertNull(feed(r, fragment(1, UDP, 1, 1480, new byte[1480], true), 0));
    assertEquals(FIRST_COST + 1480 + Reassembler.FRAGMENT_OVERHEAD, r.bytesHeld());
  }

  @Test
  void oldestIncompleteDatagramsAreEvictedDownToTheLowThreshold() {
    reassembler(new ReassemblyLimits(10 * FIRST_COST, 5 * FIRST_COST, 30 * S));
    for (int src = 1; src <= 10; src++) {
      assertNull(feed(r, fragment(src, UDP, 7, 0, new byte[1480], true), src * S));
    }
    assertEquals(10 * FIRST_COST, r.bytesHeld());
    assertEquals(0, counters.get(Ipv4Counter.REASSEMBLY_EVICTED));
    // The eleventh evicts sources 1..6: what stays plus the newcomer is at most the low threshold.
    assertNull(feed(r, fragment(11, UDP, 7, 0, new byte[1480], true), 11 * S));
    assertEquals(6, counters.get(Ipv4Counter.REASSEMBLY_EVICTED));
    assertEquals(5, r.inProgress());
    assertEquals(5 * FIRST_COST, r.bytesHeld());
    ByteBuf whole = feed(r, fragment(7, UDP, 7, 1480, new byte[8], false), 12 * S);
    assertNotNull(whole, "source 7 was kept");
    deliver(whole);
    assertNull(feed(r, fragment(6, UDP, 7, 1480, new byte[8], false), 12 * S), "source 6 was evicted");
    assertEquals(8 * S + 30 * S, r.nextDeadlineNanos(), "source 8's is the oldest now");
    r.poll(100 * S);
    assertEquals(List.of("8/7/1480", "9/7/1480", "10/7/1480", "11/7/1480"), timedOut,
        "evictions are silent; timeouts in arrival order");
  }

  @Test
  void evictionSparesTheDatagramOfTheFragmentThatNeedsRoom() {
    reassembler(new ReassemblyLimits(3 * FIRST_COST, FIRST_COST, 30 * S));
    byte[] payload = pattern(2 * 1480 + 100, 1);
    List<Ipv4Packet> a = cut(1, 1, payload, 1480);
    assertNull(feed(r, a.get(0), 0)); // oldest
    assertNull(feed(r, fragment(2, UDP, 2, 0, new byte[1480], true), 1));
    assertNull(feed(r, fragment(3, UDP, 3, 0, new byte[1480], true), 2));
    ByteBuf whole = feed(r, a.get(1), 3); // needs room: evicts 2 and 3, not 1
    assertNull(whole);
    assertEquals(2, counters.get(Ipv4Counter.REASSEMBLY_EVICTED));
    assertArrayEquals(payload, deliver(feed(r, a.get(2), 4)));
    assertEquals(0, r.bytesHeld());
  }

  @Test
  void aDatagramLargerThanTheBudgetIsDroppedWhole() {
    reassembler(new ReassemblyLimits(2 * FIRST_COST, FIRST_COST, 30 * S));
    List<Ipv4Packet> f = cut(1, 1, pattern(5 * 1480, 2), 1480);
    assertNull(feed(r, f.get(0), 0));
    assertNull(feed(r, f.get(1), 0));
    assertNull(feed(r, f.get(2), 0));
    assertEquals(1, counters.get(Ipv4Counter.REASSEMBLY_DROP_LIMIT));
    assertEquals(0, r.inProgress());
    assertEquals(0, r.bytesHeld());
    for (int i = 3; i < f.size(); i++) {
      feed(r, f.get(i), 0);
    }
  }

  @Test
  void issue8_thousandsOfIncompleteFirstFragmentsThenALegitimateDatagram() {
    reassembler(ReassemblyLimits.LINUX_DEFAULTS);
    long now = 0;
    for (int i = 0; i < 10_000; i++) { // some 15 MB of first fragments, over 10 s
      feed(r, fragment(0x0a00_0000 + i, UDP, i, 0, new byte[1480], true), now);
      assertTrue(r.bytesHeld() <= ReassemblyLimits.LINUX_DEFAULTS.highThresholdBytes());
      now += S / 1000;
    }
    assertTrue(counters.get(Ipv4Counter.REASSEMBLY_EVICTED) > 7_000);
    byte[] payload = pattern(30_008, 3);
    ByteBuf whole = null;
    for (Ipv4Packet f : cut(0xc000_0201, 99, payload, 1480)) {
      whole = feed(r, f, now);
    }
    assertNotNull(whole);
    assertArrayEquals(payload, deliver(whole));
  }

  @Test
  void linux_largestDatagramInEightByteFragmentsInReverseOrder() {
    reassembler(ReassemblyLimits.LINUX_DEFAULTS);
    byte[] payload = pattern(Ipv4Packet.MAX_TOTAL_LENGTH - 20, 4);
    List<Ipv4Packet> f = cut(1, 5, payload, 8);
    assertEquals(8_190, f.size());
    Collections.reverse(f);
    long started = System.nanoTime();
    ByteBuf whole = null;
    long most = 0;
    for (Ipv4Packet p : f) {
      assertNull(whole);
      whole = feed(r, p, 0);
      most = Math.max(most, r.bytesHeld());
    }
    System.out.printf("8,190 fragments in reverse order: %d ms, %d bytes held at most%n",
        (System.nanoTime() - started) / 1_000_000, most);
    assertNotNull(whole);
    assertEquals(Ipv4Packet.MAX_TOTAL_LENGTH, whole.readableBytes());
    assertArrayEquals(payload, deliver(whole));
  }

  @Test
  void theReassembledDatagramHasHeadroomAndAFreshHeader() {
    reassembler(ReassemblyLimits.LINUX_DEFAULTS);
    byte[] payload = pattern(3000, 5);
    List<Ipv4Packet> f = cut(1, 6, payload, 1480);
    Collections.reverse(f);
    ByteBuf whole = null;
    for (Ipv4Packet p : f) {
      whole = feed(r, p, 0);
    }
    assertNotNull(whole);
    try {
      assertTrue(whole.readerIndex() >= 14, "room for an Ethernet header");
      Ipv4Packet h = new Ipv4Packet().wrap(whole, whole.readerIndex(), whole.readableBytes());
      assertEquals(3020, h.totalLength());
      assertEquals(0, h.flagsAndFragment());
      assertEquals(6, h.identification());
      assertEquals(0, Checksum.compute(whole, whole.readerIndex(), 20));
    } finally {
      whole.release();
    }
  }

  @Test
  void rfc1122_3_3_2_timeoutsComeInArrivalOrderAndOnlyFirstFragmentsAreReported() {
    reassembler(ReassemblyLimits.LINUX_DEFAULTS);
    assertEquals(Pollable.NO_DEADLINE, r.nextDeadlineNanos());
    feed(r, fragment(1, UDP, 1, 0, new byte[1480], true), 0);
    feed(r, fragment(2, UDP, 2, 1480, new byte[1480], true), S);
    assertEquals(30 * S, r.nextDeadlineNanos());
    assertTrue(!r.poll(30 * S - 1));
    assertTrue(r.poll(30 * S));
    assertEquals(List.of("1/1/1480"), timedOut);
    assertEquals(31 * S, r.nextDeadlineNanos());
    assertTrue(r.poll(31 * S));
    assertEquals(List.of("1/1/1480"), timedOut, "no first fragment, nothing to quote");
    assertEquals(2, counters.get(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
    assertEquals(Pollable.NO_DEADLINE, r.nextDeadlineNanos());
    assertEquals(0, r.bytesHeld());
  }

  @Test
  void aListenerThatThrowsStillLetsTheDatagramGo() {
    r = new Reassembler(ReassemblyLimits.LINUX_DEFAULTS, counters, alloc, (first, bcast, now) -> {
      throw new IllegalStateException("boom");
    });
    feed(r, fragment(1, UDP, 1, 0, new byte[16], true), 0);
    assertThrows(IllegalStateException.class, () -> r.poll(30 * S));
    assertEquals(0, r.inProgress());
  }

  @Test
  void datagramsDifferingOnlyInOneKeyFieldAreKeptApart() {
    reassembler(ReassemblyLimits.LINUX_DEFAULTS);
    int[][] keys = {{1, UDP, 1}, {2, UDP, 1}, {1, 6, 1}, {1, UDP, 2}};
    List<byte[]> payloads = new ArrayList<>();
    for (int k = 0; k < keys.length; k++) {
      payloads.add(pattern(24, 10 + k));
      feed(r, fragment(keys[k][0], keys[k][1], keys[k][2], 0, Arrays.copyOf(payloads.get(k), 16), true), 0);
    }
    assertEquals(4, r.inProgress());
    for (int k = keys.length - 1; k >= 0; k--) {
      ByteBuf whole = feed(r, fragment(keys[k][0], keys[k][1], keys[k][2], 16,
          Arrays.copyOfRange(payloads.get(k), 16, 24), false), 0);
      assertArrayEquals(payloads.get(k), deliver(whole));
    }
  }

  @Test
  void manyDatagramsInterleavedThroughTheTable() {
    reassembler(ReassemblyLimits.LINUX_DEFAULTS);
    Random rnd = new Random(12);
    List<Ipv4Packet> all = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      byte[] p = pattern(200 + rnd.nextInt(400), i);
      payloads.add(p);
      all.addAll(cut(rnd.nextInt(8), i, p, 8 * (1 + rnd.nextInt(20))));
    }
    Collections.shuffle(all, rnd);
    int delivered = 0;
    for (Ipv4Packet f : all) {
      int id = f.identification();
      ByteBuf whole = feed(r, f, 0);
      if (whole != null) {
        assertArrayEquals(payloads.get(id), deliver(whole));
        delivered++;
      }
    }
    assertEquals(2_000, delivered);
    assertEquals(0, r.inProgress());
    assertEquals(0, r.bytesHeld());
  }

  @Test
  void closeReleasesEveryFragment() {
    reassembler(ReassemblyLimits.LINUX_DEFAULTS);
    for (int i = 0; i < 100; i++) {
      feed(r, fragment(i, UDP, i, 0, new byte[64], true), 0);
      feed(r, fragment(i, UDP, i, 128, new byte[8], false), 0);
    }
    assertEquals(100, r.inProgress());
  }
}
