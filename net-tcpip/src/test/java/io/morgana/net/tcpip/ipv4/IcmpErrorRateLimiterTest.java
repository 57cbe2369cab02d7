package io.morgana.net.tcpip.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.morgana.net.tcpip.ipv4.IcmpErrorRateLimiter.Limits;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ICMP error rate limit on virtual time, against the figures Linux gives (issue 8). */
class IcmpErrorRateLimiterTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int PEER = 0xc000_0201; // 192.0.2.1
  private static final int OTHER = 0xc000_0203;
  private static final long T0 = 1_000_000_000_000L; // the clock does not start at zero

  /** Linux's defaults with a deterministic cost of one global credit per error. */
  private static final Limits EXACT = new Limits(1000 * MS, 6, 1000, 50, 4096, false);

  private static int burst(IcmpErrorRateLimiter l, int peer, int n, long now) {
    int allowed = 0;
    for (int i = 0; i < n; i++) {
      if (l.tryAcquire(peer, now)) {
        allowed++;
      }
    }
    return allowed;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void linux_fiftyDatagramsAtOnceGetSixErrors(boolean randomized) {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(
        new Limits(1000 * MS, 6, 1000, 50, 4096, randomized), 1);
    assertEquals(6, burst(l, PEER, 50, T0));
  }

  @Test
  void linux_fiveHundredDatagramsOverFiveSecondsGetTenErrors() {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(Limits.LINUX_DEFAULTS, 2);
    int allowed = 0;
    for (int i = 0; i < 500; i++) {
      if (l.tryAcquire(PEER, T0 + i * 10 * MS)) {
        allowed++;
      }
    }
    assertEquals(10, allowed, "6 at once, then one a second (Linux gave 10)");
  }

  @Test
  void aPeerEarnsOneErrorPerIntervalUpToItsBurst() {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(EXACT, 3);
    assertEquals(6, burst(l, PEER, 10, T0));
    assertFalse(l.tryAcquire(PEER, T0 + 999 * MS));
    assertTrue(l.tryAcquire(PEER, T0 + 1000 * MS));
    assertFalse(l.tryAcquire(PEER, T0 + 1500 * MS));
    assertEquals(6, burst(l, PEER, 10, T0 + 60_000 * MS), "a long silence refills to the burst, no more");
  }

  @Test
  void twoPeersEachGetTheirOwnBurst() {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(Limits.LINUX_DEFAULTS, 4);
    assertEquals(6, burst(l, PEER, 50, T0));
    assertEquals(6, burst(l, OTHER, 50, T0));
    assertEquals(0, burst(l, PEER, 50, T0 + 10 * MS));
    assertEquals(2, l.peers());
  }

  @Test
  void globalCapHoldsWithManyPeers() {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(EXACT, 5);
    int allowed = 0;
    for (int p = 0; p < 1000; p++) {
      if (l.tryAcquire(0x0a00_0000 + p, T0)) {
        allowed++;
      }
    }
    assertEquals(50, allowed, "icmp_msgs_burst");
    // 10,000 a second from ever new peers for 10 s: icmp_msgs_per_sec lets 1,000 a second through.
    allowed = 0;
    for (int i = 1; i <= 100_000; i++) {
      if (l.tryAcquire(0x0b00_0000 + i, T0 + i * MS / 10)) {
        allowed++;
      }
    }
    assertTrue(allowed >= 9_900 && allowed <= 10_000, allowed + " in 10 s");
  }

  @Test
  void randomizedGlobalCostAveragesOneCredit() {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(Limits.LINUX_DEFAULTS, 6);
    int allowed = 0;
    for (int i = 1; i <= 100_000; i++) {
      if (l.tryAcquire(0x0b00_0000 + i, T0 + i * MS / 10)) {
        allowed++;
      }
    }
    assertTrue(allowed >= 9_000 && allowed <= 11_000, allowed + " in 10 s");
    IcmpErrorRateLimiter replay = new IcmpErrorRateLimiter(Limits.LINUX_DEFAULTS, 6);
    int again = 0;
    for (int i = 1; i <= 100_000; i++) {
      if (replay.tryAcquire(0x0b00_0000 + i, T0 + i * MS / 10)) {
        again++;
      }
    }
    assertEquals(allowed, again, "the same seed, the same run");
  }

  @Test
  void aPeerOverItsLimitDoesNotDrainTheGlobalBucket() {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(EXACT, 7);
    assertEquals(6, burst(l, PEER, 10_000, T0));
    assertEquals(44, burst(l, OTHER, 1, T0) + countNewPeers(l, 100, T0));
  }

  private static int countNewPeers(IcmpErrorRateLimiter l, int n, long now) {
    int allowed = 0;
    for (int p = 0; p < n; p++) {
      if (l.tryAcquire(0x0a00_0000 + p, now)) {
        allowed++;
      }
    }
    return allowed;
  }

  @Test
  void spoofedSourcesDoNotGrowMemory() {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(
        new Limits(1000 * MS, 6, 1_000_000, 1_000_000, 4096, false), 8);
    SplittableRandom r = new SplittableRandom(8);
    for (int i = 1; i <= 200_000; i++) {
      assertTrue(l.tryAcquire(r.nextInt(), T0 + i * MS / 100), "a new peer has a full bucket");
      assertTrue(l.peers() <= 4096);
    }
    assertEquals(4096, l.peers());
  }

  @Test
  void spoofedSourcesDoNotResetTheGlobalCap() {
    // Few peers remembered, so every new source evicts one: still only 1,000 errors a second.
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(new Limits(1000 * MS, 6, 1000, 50, 16, false), 9);
    SplittableRandom r = new SplittableRandom(9);
    int allowed = 0;
    for (int i = 1; i <= 200_000; i++) {
      if (l.tryAcquire(r.nextInt(), T0 + i * MS / 100)) { // 100,000 a second for 2 s
        allowed++;
      }
    }
    assertTrue(allowed >= 1_900 && allowed <= 50 + 2 * 1000, allowed + " in 2 s");
  }

  @Test
  void theLeastRecentlyUsedPeerIsForgottenFirst() {
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(new Limits(1000 * MS, 6, 1000, 1000, 4, false), 9);
    assertEquals(6, burst(l, 1, 10, T0)); // peer 1 at its limit
    for (int p = 2; p <= 4; p++) {
      l.tryAcquire(p, T0);
    }
    l.tryAcquire(1, T0); // peer 1 used most recently
    l.tryAcquire(5, T0); // evicts peer 2
    assertEquals(4, l.peers());
    assertFalse(l.tryAcquire(1, T0), "peer 1 still remembered, still limited");
    assertEquals(5, burst(l, 3, 10, T0), "peer 3 remembered: one of its 6 used");
    assertEquals(6, burst(l, 2, 10, T0), "peer 2 forgotten: a fresh burst");
  }

  @Test
  void manyPeersComeAndGoThroughTheTable() {
    // Every peer's remembered state must be found again after evictions shuffled the table.
    int max = 64;
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(new Limits(1000 * MS, 6, 1_000_000, 1_000_000, max, false), 10);
    SplittableRandom r = new SplittableRandom(10);
    for (int round = 0; round < 200; round++) {
      int base = round * 1000 + r.nextInt(500); // rounds never share a peer
      for (int p = 0; p < max; p++) {
        assertEquals(6, burst(l, base + p, 6, T0), "a new peer");
      }
      for (int p = 0; p < max; p++) {
        assertFalse(l.tryAcquire(base + p, T0), "peer " + (base + p) + " forgotten too early");
      }
    }
  }

  @Test
  void linux_icmpRatemaskSelectsTheLimitedTypes() {
    assertTrue(IcmpErrorRateLimiter.isRateLimited(3, 3)); // port unreachable
    assertFalse(IcmpErrorRateLimiter.isRateLimited(3, 4)); // fragmentation needed
    assertTrue(IcmpErrorRateLimiter.isRateLimited(11, 1)); // reassembly time exceeded
    assertTrue(IcmpErrorRateLimiter.isRateLimited(12, 0));
    assertFalse(IcmpErrorRateLimiter.isRateLimited(0, 0)); // echo reply
    assertFalse(IcmpErrorRateLimiter.isRateLimited(8, 0));
  }

  @Test
  void limitsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new Limits(0, 6, 1000, 50, 10, true));
    assertThrows(IllegalArgumentException.class, () -> new Limits(MS, 6, 1000, 50, 0, true));
    assertThrows(IllegalArgumentException.class, () -> new Limits(Long.MAX_VALUE, 6, 1000, 50, 10, true));
  }

  @Test
  void steadyUseAllocatesNothing() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs com.sun.management.ThreadMXBean to count allocated bytes");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadAllocatedMemorySupported(), "the JVM does not count allocated bytes per thread");
    IcmpErrorRateLimiter l = new IcmpErrorRateLimiter(Limits.LINUX_DEFAULTS, 11);
    int[] sink = new int[1];
    for (int i = 0; i < 20_000; i++) {
      sink[0] += l.tryAcquire(i * 7919, T0 + i * MS) ? 1 : 0;
    }
    long tid = Thread.currentThread().threadId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      sink[0] += l.tryAcquire(i * 7919, T0 + (20_000 + i) * MS) ? 1 : 0;
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertTrue(allocated < 100_000, allocated + " bytes allocated for 100,000 calls (" + sink[0] + ")");
  }
}
