package io.morgana.net.tcpip.ipv4;

import static io.morgana.net.tcpip.ipv4.FragmentKit.feed;
import static io.morgana.net.tcpip.ipv4.FragmentKit.fragment;
import static io.morgana.net.tcpip.ipv4.FragmentKit.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link Reassembler} over random streams of fragments from many datagrams, interleaved, with
 * duplicates, conflicting copies and time passing, under random budgets: it never holds more
 * than the high threshold, never delivers anything but a datagram whose fragments all arrived,
 * and releases every buffer. Each try is replayed by its seed.
 */
class ReassemblerProperties {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private record Piece(int datagram, int offset, byte[] data, boolean more) {}

  /** A stream of fragments of {@code datagrams} datagrams, cut at random, shuffled, with duplicates (and forgeries). */
  private static List<Piece> stream(Random r, List<byte[]> payloads, int datagrams, boolean forgeries) {
    List<Piece> out = new ArrayList<>();
    for (int d = 0; d < datagrams; d++) {
      byte[] p = pattern(1 + r.nextInt(r.nextBoolean() ? 600 : 9_000), r.nextInt());
      payloads.add(p);
      for (int off = 0; off < p.length; ) {
        int n = Math.min(p.length - off, 8 * (1 + r.nextInt(r.nextBoolean() ? 4 : 200)));
        out.add(new Piece(d, off, Arrays.copyOfRange(p, off, off + n), off + n < p.length));
        off += n;
      }
    }
    Collections.shuffle(out, r);
    int extra = r.nextInt(1 + out.size() / 10);
    for (int i = 0; i < extra; i++) {
      Piece q = out.get(r.nextInt(out.size()));
      if (forgeries && r.nextBoolean()) {
        byte[] evil = q.data().clone();
        if (evil.length > 0) {
          evil[r.nextInt(evil.length)] ^= 1;
        }
        q = new Piece(q.datagram(), q.offset(), evil, q.more());
      }
      out.add(r.nextInt(out.size() + 1), q);
    }
    return out;
  }

  private static int source(int datagram) {
    return 0x0a00_0000 + datagram % 7; // several datagrams per source, told apart by identification
  }

  @Property(tries = 100)
  void issue8_memoryHeldNeverExceedsTheHighThresholdAndEverythingIsReleased(@ForAll long seed) {
    Random r = new Random(seed);
    long high = 2_000 + r.nextInt(r.nextBoolean() ? 20_000 : 400_000);
    long low = (long) (high * r.nextDouble());
    ReassemblyLimits limits = new ReassemblyLimits(high, low, (1 + r.nextInt(200)) * MS);
    List<byte[]> payloads = new ArrayList<>();
    boolean forgeries = r.nextBoolean();
    List<Piece> stream = stream(r, payloads, 1 + r.nextInt(40), forgeries);
    ProtocolCounters<Ipv4Counter> counters = new ProtocolCounters<>(Ipv4Counter.class);
    FragmentKit.TrackingAllocator alloc = new FragmentKit.TrackingAllocator();
    List<Integer> reported = new ArrayList<>();
    Reassembler re = new Reassembler(limits, counters, alloc, (first, bcast, now) -> {
      assertEquals(0, first.fragmentOffset());
      assertTrue(first.availablePayloadLength() >= Math.min(8, payloads.get(first.identification()).length));
      reported.add(first.identification());
    });
    long now = 0;
    int[] delivered = new int[payloads.size()];
    for (Piece q : stream) {
      now += r.nextInt(3) * MS;
      re.poll(now);
      ByteBuf whole = feed(re, fragment(source(q.datagram()), 17, q.datagram(), q.offset(), q.data(), q.more()), now);
      assertTrue(re.bytesHeld() <= high, "seed " + seed + ": " + re.bytesHeld() + " held over " + high);
      assertTrue(re.bytesHeld() >= 0);
      if (whole != null) {
        try {
          Ipv4Packet h = new Ipv4Packet().wrap(whole, whole.readerIndex(), whole.readableBytes());
          int d = h.identification();
          delivered[d]++;
          byte[] got = ByteBufUtil.getBytes(whole, h.payloadOffset(), h.payloadLength());
          if (!forgeries) {
            assertArrayEquals(payloads.get(d), got, "seed " + seed);
          } else {
            assertEquals(payloads.get(d).length, got.length, "seed " + seed);
          }
        } finally {
          whole.release();
        }
      }
    }
    long evicted = counters.get(Ipv4Counter.REASSEMBLY_EVICTED);
    long dropped = counters.get(Ipv4Counter.REASSEMBLY_DROP_LIMIT);
    long timeouts = counters.get(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT);
    if (!forgeries && evicted == 0 && dropped == 0 && timeouts == 0) {
      for (int d = 0; d < delivered.length; d++) {
        assertTrue(delivered[d] >= 1, "seed " + seed + ": datagram " + d + " never completed");
      }
    }
    re.poll(now + limits.timeoutNanos());
    assertEquals(0, re.inProgress(), "seed " + seed);
    assertEquals(0, re.bytesHeld(), "seed " + seed);
    assertTrue(reported.size() <= counters.get(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT), "seed " + seed);
    re.close();
    assertEquals(0, alloc.outstanding(), "seed " + seed);
  }

  @Property(tries = 100)
  void withRoomEnoughEveryDatagramReassemblesExactlyOnce(@ForAll long seed) {
    Random r = new Random(seed);
    List<byte[]> payloads = new ArrayList<>();
    List<Piece> stream = stream(r, payloads, 1 + r.nextInt(40), false);
    ProtocolCounters<Ipv4Counter> counters = new ProtocolCounters<>(Ipv4Counter.class);
    FragmentKit.TrackingAllocator alloc = new FragmentKit.TrackingAllocator();
    Reassembler re = new Reassembler(ReassemblyLimits.LINUX_DEFAULTS, counters, alloc, (first, bcast, now) -> {});
    int[] delivered = new int[payloads.size()];
    boolean[] done = new boolean[payloads.size()];
    for (Piece q : stream) {
      if (done[q.datagram()]) {
        continue; // a duplicate after completion would start the datagram afresh
      }
      ByteBuf whole = feed(re, fragment(source(q.datagram()), 17, q.datagram(), q.offset(), q.data(), q.more()), 0);
      if (whole != null) {
        try {
          Ipv4Packet h = new Ipv4Packet().wrap(whole, whole.readerIndex(), whole.readableBytes());
          int d = h.identification();
          delivered[d]++;
          done[d] = true;
          assertEquals(source(d), h.source());
          assertArrayEquals(payloads.get(d), ByteBufUtil.getBytes(whole, h.payloadOffset(), h.payloadLength()),
              "seed " + seed);
        } finally {
          whole.release();
        }
      }
    }
    for (int d = 0; d < delivered.length; d++) {
      assertEquals(1, delivered[d], "seed " + seed + ", datagram " + d);
    }
    assertEquals(0, re.inProgress());
    assertEquals(0, re.bytesHeld());
    re.close();
    assertEquals(0, alloc.outstanding(), "seed " + seed);
  }
}
