package io.morgana.net.tcpip.ipv4;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Rate limit of ICMP error messages (RFC 1812 §4.3.2.8, RFC 1122 §3.2.2), as Linux applies it:
 * a token bucket per destination and a global one over them.
 *
 * <p><b>Per destination</b> (Linux's {@code inet_peer_xrlim_allow}): a peer's bucket holds up to
 * {@link Limits#peerBurst()} errors (Linux's {@code XRLIM_BURST_FACTOR}, 6) and earns one every
 * {@link Limits#peerIntervalNanos()} ({@code net.ipv4.icmp_ratelimit}, 1000 ms). So 50 datagrams
 * to a closed port at once get 6 errors, 500 spread over 5 s get 10. Peers are independent: one
 * peer using its budget takes nothing from another's.
 *
 * <p><b>Global</b> (Linux's {@code icmp_global_allow}/{@code icmp_global_consume}): at most
 * {@link Limits#globalBurst()} credits ({@code net.ipv4.icmp_msgs_burst}, 50), refilled at
 * {@link Limits#globalPerSecond()} ({@code net.ipv4.icmp_msgs_per_sec}, 1000) and only in steps
 * of at least 20 ms once exhausted. It is checked before the peer's bucket and consumed only
 * when the peer's bucket allowed the error, so a peer over its own limit does not drain it. Like
 * Linux since the fix for CVE-2020-25705 ("SAD DNS", which used the global limit to learn which
 * UDP ports were open), an error consumes 0, 1 or 2 credits at random (1 on average) when {@link
 * Limits#randomizeGlobalCost()}; the randomness comes from the seed given, so a run replays.
 *
 * <p><b>Bounded memory.</b> At most {@link Limits#maxPeers()} peers are remembered (an
 * open-addressing table with a per-instance random hash seed, and a least-recently-used list, all
 * in primitive arrays made once). A new peer beyond that replaces the least recently used one.
 * That loses nothing when the evicted peer had been idle long enough for its bucket to fill
 * ({@code peerBurst × peerInterval}, 6 s by default); otherwise that peer starts afresh with a
 * full bucket when it comes back, still within the global limit, which a flood from spoofed
 * sources neither grows nor resets. Linux's peer cache ({@code inet_peer}) is also bounded, by
 * {@code net.ipv4.inet_peer_threshold}.
 *
 * <p>Not limited, as on Linux ({@code net.ipv4.icmp_ratemask} = 0x1818 and the exception for
 * path MTU discovery): see {@link #isRateLimited(int, int)}; the caller decides. {@link
 * #tryAcquire} allocates nothing. Time is the caller's, in nanoseconds, never decreasing.
 * Loop-confined.
 */
public final class IcmpErrorRateLimiter {

  /**
   * Configuration.
   *
   * @param peerIntervalNanos time to earn one error per peer ({@code net.ipv4.icmp_ratelimit})
   * @param peerBurst errors a peer's bucket holds ({@code XRLIM_BURST_FACTOR})
   * @param globalPerSecond global credits per second ({@code net.ipv4.icmp_msgs_per_sec})
   * @param globalBurst global credits held at most ({@code net.ipv4.icmp_msgs_burst})
   * @param maxPeers peers remembered at most
   * @param randomizeGlobalCost whether an error costs 0–2 global credits at random, as on Linux
   */
  public record Limits(
      long peerIntervalNanos, int peerBurst, int globalPerSecond, int globalBurst, int maxPeers,
      boolean randomizeGlobalCost) {

    /** Linux's defaults: 1000 ms and 6 per peer, 1000/s and 50 global; 4,096 peers remembered. */
    public static final Limits LINUX_DEFAULTS =
        new Limits(TimeUnit.MILLISECONDS.toNanos(1000), 6, 1000, 50, 4096, true);

    public Limits {
      if (peerIntervalNanos <= 0 || peerBurst <= 0 || globalPerSecond <= 0 || globalBurst <= 0
          || maxPeers <= 0 || maxPeers > 1 << 24) {
        throw new IllegalArgumentException("limits must be positive (and at most 2^24 peers): " + this);
      }
      if (peerIntervalNanos > Long.MAX_VALUE / peerBurst) {
        throw new IllegalArgumentException("peer interval × burst overflows: " + this);
      }
    }
  }

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  /** Linux refills the global bucket in steps of at least HZ / 50. */
  private static final long GLOBAL_MIN_STEP = SECOND / 50;
  private static final int NONE = -1;

  private final Limits limits;
  private final long peerCapacity; // nanoseconds of credit a full bucket holds
  private final long hashSeed;
  private int random; // xorshift32 state for the global cost

  // Peers, by entry index: address, credit (in nanoseconds) and when it was last updated.
  private final int[] address;
  private final long[] credit;
  private final long[] updated;
  private final int[] newer; // least-recently-used list: lru ... mru
  private final int[] older;
  private int lru = NONE;
  private int mru = NONE;
  private int peers;
  /** Open addressing, linear probing: entry index + 1, or 0 for an empty slot. */
  private final int[] slots;

  private int globalCredit;
  private long globalStamp;
  private boolean started;

  /** With {@link Limits#LINUX_DEFAULTS} and a random seed. */
  public IcmpErrorRateLimiter() {
    this(Limits.LINUX_DEFAULTS, ThreadLocalRandom.current().nextLong());
  }

  /** With {@code limits}; {@code seed} drives the random global cost (the same seed, the same run). */
  public IcmpErrorRateLimiter(Limits limits, long seed) {
    this(limits, seed, ThreadLocalRandom.current().nextLong());
  }

  /** As {@link #IcmpErrorRateLimiter(Limits, long)}, with the peer table's hash seed given too. */
  public IcmpErrorRateLimiter(Limits limits, long seed, long hashSeed) {
    this.hashSeed = hashSeed;
    this.limits = limits;
    this.peerCapacity = limits.peerIntervalNanos() * limits.peerBurst();
    int n = limits.maxPeers();
    address = new int[n];
    credit = new long[n];
    updated = new long[n];
    newer = new int[n];
    older = new int[n];
    slots = new int[Integer.highestOneBit(n) << 2]; // load factor at most 1/2
    int r = (int) (seed ^ seed >>> 32);
    random = r == 0 ? 0x9e3779b9 : r;
    globalCredit = limits.globalBurst();
  }

  /**
   * Whether {@code nowNanos} an ICMP error may be sent to {@code destinationAddress}; if so, the
   * error is counted against both limits.
   */
  public boolean tryAcquire(int destinationAddress, long nowNanos) {
    if (!globalAllows(nowNanos)) {
      return false;
    }
    int e = peer(destinationAddress, nowNanos);
    long c = credit[e] + Math.clamp(nowNanos - updated[e], 0, peerCapacity);
    updated[e] = nowNanos;
    if (c > peerCapacity) {
      c = peerCapacity;
    }
    boolean allowed = c >= limits.peerIntervalNanos();
    if (allowed) {
      c -= limits.peerIntervalNanos();
      globalCredit -= limits.randomizeGlobalCost() ? nextCost() : 1;
    }
    credit[e] = c;
    return allowed;
  }

  /**
   * Whether Linux rate-limits ICMP messages of {@code type}/{@code code} by default: those in
   * {@code net.ipv4.icmp_ratemask} 0x1818 (destination unreachable, source quench, time
   * exceeded, parameter problem), except fragmentation needed (code 4 of destination
   * unreachable), which path MTU discovery depends on.
   */
  public static boolean isRateLimited(int type, int code) {
    if (type == 3 && code == 4) {
      return false;
    }
    return type >= 0 && type < 32 && (0x1818 & 1 << type) != 0;
  }

  /** Peers remembered now. */
  public int peers() {
    return peers;
  }

  private boolean globalAllows(long now) {
    if (!started) {
      started = true;
      globalStamp = now;
    }
    if (globalCredit > 0) {
      return true;
    }
    long delta = Math.min(now - globalStamp, SECOND);
    if (delta < GLOBAL_MIN_STEP) {
      return false;
    }
    long add = limits.globalPerSecond() * delta / SECOND;
    if (add == 0) {
      return false;
    }
    globalStamp = now;
    globalCredit = (int) Math.min(globalCredit + add, limits.globalBurst());
    return globalCredit > 0;
  }

  /** 0, 1 or 2. */
  private int nextCost() {
    int x = random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    random = x;
    return (x >>> 1) % 3;
  }

  // ---------------------------------------------------------------- peers

  private int home(int addr) {
    long z = addr ^ hashSeed;
    z = (z ^ z >>> 30) * 0xbf58476d1ce4e5b9L;
    z = (z ^ z >>> 27) * 0x94d049bb133111ebL;
    z ^= z >>> 31;
    return (int) z & (slots.length - 1);
  }

  /** The entry of {@code addr}, made most recently used; a new one with a full bucket if need be. */
  private int peer(int addr, long now) {
    int mask = slots.length - 1;
    int i = home(addr);
    for (int s = slots[i]; s != 0; i = (i + 1) & mask, s = slots[i]) {
      if (address[s - 1] == addr) {
        touch(s - 1);
        return s - 1;
      }
    }
    int e;
    if (peers < address.length) {
      e = peers++;
    } else {
      e = lru;
      unlink(e);
      removeSlot(e);
      i = home(addr); // the removal may have moved this address's probe run
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
    }
    slots[i] = e + 1;
    address[e] = addr;
    credit[e] = peerCapacity;
    updated[e] = now;
    linkMru(e);
    return e;
  }

  private void touch(int e) {
    if (e != mru) {
      unlink(e);
      linkMru(e);
    }
  }

  private void linkMru(int e) {
    older[e] = mru;
    newer[e] = NONE;
    if (mru == NONE) {
      lru = e;
    } else {
      newer[mru] = e;
    }
    mru = e;
  }

  private void unlink(int e) {
    if (older[e] == NONE) {
      lru = newer[e];
    } else {
      newer[older[e]] = newer[e];
    }
    if (newer[e] == NONE) {
      mru = older[e];
    } else {
      older[newer[e]] = older[e];
    }
  }

  /** Linear probing's deletion of entry {@code e}: later slots of the run move back into the hole. */
  private void removeSlot(int e) {
    int mask = slots.length - 1;
    int i = home(address[e]);
    while (slots[i] != e + 1) {
      i = (i + 1) & mask;
    }
    for (int j = (i + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
      int h = home(address[slots[j] - 1]);
      boolean stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (!stays) {
        slots[i] = slots[j];
        i = j;
      }
    }
    slots[i] = 0;
  }
}
