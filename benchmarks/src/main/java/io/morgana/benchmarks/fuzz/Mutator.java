package io.morgana.benchmarks.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutates recorded Ethernet frames, seeded: blind mutations (bit flips, truncation, trailing
 * junk, splices) and field-aware ones that know where IPv4, UDP, ICMP and ARP keep their fields
 * (RFC 791/768/792/826 offsets), fixing checksums most of the time so that a mutation reaches the
 * code past the checksum test. Fragment games (random offsets, MF, ping-of-death offsets,
 * overlaps through shared identifiers) and own-address spoofs are kinds of their own.
 */
final class Mutator {

  /** What a mutation did; counted per frame for the report. */
  enum Kind {
    NONE, BIT_FLIPS, TRUNCATE, EXTEND, SPLICE, ETHERNET, IPV4_FIELD, IPV4_OPTIONS, FRAGMENT_GAME, UDP_FIELD,
    ICMP_FIELD, ARP_FIELD, OWN_ADDRESS_SPOOF
  }

  static final int ETH = 14;
  static final byte[] TARGET_IP = {(byte) 192, 0, 2, 2};
  static final byte[] TARGET_MAC = {2, 0, 0x5e, 0x10, 0, 2};

  private static final byte[][] SOURCES = {
    TARGET_IP, {(byte) 192, 0, 2, 1}, {0, 0, 0, 0}, {(byte) 255, (byte) 255, (byte) 255, (byte) 255},
    {(byte) 192, 0, 2, (byte) 255}, {127, 0, 0, 1}, {(byte) 224, 0, 0, 1}, {(byte) 240, 0, 0, 1},
    {(byte) 192, 0, 2, 77}, {(byte) 198, 51, 100, 9}
  };
  private static final byte[][] DESTINATIONS = {
    TARGET_IP, {(byte) 192, 0, 2, (byte) 255}, {(byte) 255, (byte) 255, (byte) 255, (byte) 255},
    {(byte) 224, 0, 0, 1}, {(byte) 192, 0, 2, 99}, {127, 0, 0, 1}, {0, 0, 0, 0}
  };

  private final SplittableRandom random;
  private final List<byte[]> corpus;
  final long[] counts = new long[Kind.values().length];

  Mutator(SplittableRandom random, List<byte[]> corpus) {
    this.random = random;
    this.corpus = corpus;
  }

  /** A mutant of a random corpus frame: 1 to 3 mutations, or (1 in 10) the frame as recorded. */
  byte[] next() {
    byte[] f = corpus.get(random.nextInt(corpus.size())).clone();
    if (random.nextInt(10) == 0) {
      counts[Kind.NONE.ordinal()]++;
      return f;
    }
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      Kind k = pick();
      counts[k.ordinal()]++;
      f = apply(k, f);
    }
    return f.length > 9_000 ? Arrays.copyOf(f, 9_000) : f;
  }

  private Kind pick() {
    int r = random.nextInt(100);
    if (r < 10) return Kind.BIT_FLIPS;
    if (r < 17) return Kind.TRUNCATE;
    if (r < 21) return Kind.EXTEND;
    if (r < 24) return Kind.SPLICE;
    if (r < 29) return Kind.ETHERNET;
    if (r < 47) return Kind.IPV4_FIELD;
    if (r < 55) return Kind.IPV4_OPTIONS;
    if (r < 70) return Kind.FRAGMENT_GAME;
    if (r < 79) return Kind.UDP_FIELD;
    if (r < 86) return Kind.ICMP_FIELD;
    if (r < 93) return Kind.ARP_FIELD;
    return Kind.OWN_ADDRESS_SPOOF;
  }

  private byte[] apply(Kind k, byte[] f) {
    return switch (k) {
      case BIT_FLIPS -> bitFlips(f);
      case TRUNCATE -> f.length == 0 ? f : Arrays.copyOf(f, random.nextInt(f.length));
      case EXTEND -> extend(f);
      case SPLICE -> splice(f);
      case ETHERNET -> ethernet(f);
      case IPV4_FIELD -> isIpv4(f) ? ipv4Field(f) : bitFlips(f);
      case IPV4_OPTIONS -> isIpv4(f) ? options(f) : f;
      case FRAGMENT_GAME -> isIpv4(f) ? fragmentGame(f) : f;
      case UDP_FIELD -> isIpv4(f) && protocol(f) == 17 ? udpField(f) : f;
      case ICMP_FIELD -> isIpv4(f) && protocol(f) == 1 ? icmpField(f) : f;
      case ARP_FIELD -> isArp(f) ? arpField(f) : f;
      case OWN_ADDRESS_SPOOF -> isIpv4(f) ? ownAddressSpoof(f) : f;
      case NONE -> f;
    };
  }

  // --- blind ------------------------------------------------------------------------------------

  private byte[] bitFlips(byte[] f) {
    if (f.length == 0) {
      return f;
    }
    int n = 1 + random.nextInt(16);
    for (int i = 0; i < n; i++) {
      f[random.nextInt(f.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return f;
  }

  private byte[] extend(byte[] f) {
    byte[] g = Arrays.copyOf(f, f.length + 1 + random.nextInt(64));
    for (int i = f.length; i < g.length; i++) {
      g[i] = (byte) random.nextInt(256);
    }
    return g;
  }

  private byte[] splice(byte[] f) {
    byte[] other = corpus.get(random.nextInt(corpus.size()));
    int cut = random.nextInt(Math.min(f.length, other.length) + 1);
    byte[] g = Arrays.copyOf(f, cut + other.length - cut);
    System.arraycopy(other, cut, g, cut, other.length - cut);
    return g;
  }

  private byte[] ethernet(byte[] f) {
    if (f.length < ETH) {
      return f;
    }
    switch (random.nextInt(3)) {
      case 0 -> {
        byte[][] macs = {TARGET_MAC, {-1, -1, -1, -1, -1, -1}, {1, 0, 0x5e, 0, 0, 1}, randomBytes(6)};
        System.arraycopy(macs[random.nextInt(macs.length)], 0, f, 0, 6);
      }
      case 1 -> System.arraycopy(randomBytes(6), 0, f, 6, 6);
      default -> {
        int[] types = {0x0800, 0x0806, 0x8100, 0x86dd, 0x0600, random.nextInt(0x10000)};
        putShort(f, 12, types[random.nextInt(types.length)]);
      }
    }
    return f;
  }

  // --- IPv4 -------------------------------------------------------------------------------------

  static boolean isIpv4(byte[] f) {
    return f.length >= ETH + 20 && (f[12] & 0xff) == 0x08 && f[13] == 0 && (f[ETH] & 0xf0) == 0x40;
  }

  static boolean isArp(byte[] f) {
    return f.length >= ETH + 28 && (f[12] & 0xff) == 0x08 && f[13] == 6;
  }

  private static int ihl(byte[] f) {
    return (f[ETH] & 0x0f) * 4;
  }

  private static int protocol(byte[] f) {
    return f[ETH + 9] & 0xff;
  }

  private byte[] ipv4Field(byte[] f) {
    int total = f.length - ETH;
    switch (random.nextInt(9)) {
      case 0 -> f[ETH] = (byte) (random.nextBoolean() ? random.nextInt(256) : 0x40 | random.nextInt(16));
      case 1 -> {
        int[] lengths = {0, 19, 20, 21, total - 1, total + 1, 0xffff, random.nextInt(0x10000)};
        putShort(f, ETH + 2, lengths[random.nextInt(lengths.length)]);
      }
      case 2 -> f[ETH + 1] = (byte) random.nextInt(256);
      case 3 -> putShort(f, ETH + 4, random.nextInt(0x10000));
      case 4 -> f[ETH + 8] = (byte) new int[] {0, 1, 255}[random.nextInt(3)];
      case 5 -> f[ETH + 9] = (byte) new int[] {0, 1, 2, 6, 17, 41, 255, random.nextInt(256)}[random.nextInt(8)];
      case 6 -> System.arraycopy(pickAddress(SOURCES), 0, f, ETH + 12, 4);
      case 7 -> System.arraycopy(pickAddress(DESTINATIONS), 0, f, ETH + 16, 4);
      default -> putShort(f, ETH + 10, random.nextInt(0x10000)); // a wrong checksum, left wrong
    }
    return fixChecksums(f, 0.85);
  }

  private byte[] pickAddress(byte[][] set) {
    return random.nextInt(8) == 0 ? randomBytes(4) : set[random.nextInt(set.length)];
  }

  private byte[] options(byte[] f) {
    int hl = ihl(f);
    if (hl < 20 || f.length < ETH + hl) {
      return f;
    }
    byte[] opts;
    switch (random.nextInt(7)) {
      case 0 -> opts = new byte[] {(byte) 131, 7, 4, (byte) 192, 0, 2, 9, 0}; // LSRR
      case 1 -> opts = new byte[] {(byte) 137, 7, 4, (byte) 192, 0, 2, 9, 0}; // SSRR
      case 2 -> opts = new byte[] {7, 7, 4, 0, 0, 0, 0, 0}; // record route
      case 3 -> opts = new byte[] {68, (byte) random.nextInt(3), 0, 0}; // timestamp, length 0..2
      case 4 -> opts = new byte[] {1, 1, 1, (byte) random.nextInt(256)}; // NOPs then anything
      case 5 -> opts = new byte[] {(byte) random.nextInt(256), (byte) 255, 0, 0}; // length past the end
      default -> opts = randomBytes(4 * (1 + random.nextInt(Math.max(1, (60 - hl) / 4))));
    }
    if (hl + opts.length > 60) {
      return f;
    }
    byte[] g = new byte[f.length + opts.length];
    System.arraycopy(f, 0, g, 0, ETH + hl);
    System.arraycopy(opts, 0, g, ETH + hl, opts.length);
    System.arraycopy(f, ETH + hl, g, ETH + hl + opts.length, f.length - ETH - hl);
    g[ETH] = (byte) (0x40 | (hl + opts.length) / 4);
    putShort(g, ETH + 2, getShort(g, ETH + 2) + opts.length);
    return fixChecksums(g, 0.9);
  }

  private byte[] fragmentGame(byte[] f) {
    int word = getShort(f, ETH + 6);
    int offset = word & 0x1fff;
    switch (random.nextInt(7)) {
      case 0 -> word ^= 0x2000; // toggle MF
      case 1 -> word = (word & 0xe000) | random.nextInt(0x2000); // any offset
      case 2 -> word = 0x2000 | (8189 + random.nextInt(3)); // ping of death: past 65,535
      case 3 -> word = (word & 0xe000) | Math.max(0, offset + random.nextInt(-8, 9)); // overlap a neighbour
      case 4 -> word = 0x4000; // DF on a fragment
      case 5 -> { // an 8-byte piece (or less) with MF: the tiny-fragment train
        int hl = ihl(f);
        if (f.length > ETH + hl + 8) {
          int piece = 8 * random.nextInt(2) + (random.nextInt(4) == 0 ? 3 : 0);
          f = Arrays.copyOf(f, ETH + hl + piece);
          putShort(f, ETH + 2, hl + piece);
        }
        word = 0x2000 | random.nextInt(8192);
      }
      default -> putShort(f, ETH + 4, random.nextInt(4)); // the same identifier as many others
    }
    putShort(f, ETH + 6, word);
    return fixChecksums(f, 0.95);
  }

  // --- UDP, ICMP, ARP ---------------------------------------------------------------------------

  private byte[] udpField(byte[] f) {
    int u = ETH + ihl(f);
    if (f.length < u + 8) {
      return f;
    }
    int len = f.length - u;
    switch (random.nextInt(4)) {
      case 0 -> putShort(f, u + 2, new int[] {7, 9, 0, 68, random.nextInt(0x10000)}[random.nextInt(5)]);
      case 1 -> putShort(f, u, new int[] {7, 0, 67, random.nextInt(0x10000)}[random.nextInt(4)]);
      case 2 -> putShort(f, u + 4, new int[] {0, 7, 8, len - 1, len + 1, 0xffff, random.nextInt(0x10000)}[random.nextInt(7)]);
      default -> putShort(f, u + 6, random.nextBoolean() ? 0 : random.nextInt(0x10000));
    }
    return random.nextInt(4) == 0 ? f : fixChecksums(f, 1.0);
  }

  private byte[] icmpField(byte[] f) {
    int i = ETH + ihl(f);
    if (f.length < i + 4) {
      return f;
    }
    int[] types = {0, 3, 4, 5, 8, 11, 12, 13, 14, 17, random.nextInt(256)};
    switch (random.nextInt(3)) {
      case 0 -> f[i] = (byte) types[random.nextInt(types.length)];
      case 1 -> f[i + 1] = (byte) random.nextInt(256);
      default -> { // an error about a datagram: scribble over the quoted header
        f[i] = (byte) new int[] {3, 11, 12}[random.nextInt(3)];
        for (int k = i + 8; k < f.length && k < i + 8 + 28; k++) {
          if (random.nextInt(4) == 0) {
            f[k] = (byte) random.nextInt(256);
          }
        }
      }
    }
    return random.nextInt(8) == 0 ? f : fixChecksums(f, 1.0);
  }

  private byte[] arpField(byte[] f) {
    int a = ETH;
    switch (random.nextInt(6)) {
      case 0 -> System.arraycopy(randomBytes(6), 0, f, a + 8, 6); // sender MAC: ARP from random MACs
      case 1 -> System.arraycopy(pickAddress(SOURCES), 0, f, a + 14, 4); // sender IP, ours included
      case 2 -> System.arraycopy(pickAddress(DESTINATIONS), 0, f, a + 24, 4); // target IP
      case 3 -> putShort(f, a + 6, new int[] {0, 1, 2, 3, 4, random.nextInt(0x10000)}[random.nextInt(6)]);
      case 4 -> {
        putShort(f, a, random.nextInt(4));
        putShort(f, a + 2, random.nextBoolean() ? 0x0800 : random.nextInt(0x10000));
      }
      default -> {
        f[a + 4] = (byte) random.nextInt(256);
        f[a + 5] = (byte) random.nextInt(256);
      }
    }
    return f;
  }

  /** Issue 8 (1): from our own address and port 7 to our address or a broadcast, port 7. */
  private byte[] ownAddressSpoof(byte[] f) {
    System.arraycopy(TARGET_IP, 0, f, ETH + 12, 4);
    switch (random.nextInt(3)) {
      case 0 -> {
        System.arraycopy(TARGET_IP, 0, f, ETH + 16, 4);
        System.arraycopy(TARGET_MAC, 0, f, 0, 6);
      }
      case 1 -> {
        System.arraycopy(new byte[] {(byte) 192, 0, 2, (byte) 255}, 0, f, ETH + 16, 4);
        Arrays.fill(f, 0, 6, (byte) -1);
      }
      default -> {
        Arrays.fill(f, ETH + 16, ETH + 20, (byte) -1);
        Arrays.fill(f, 0, 6, (byte) -1);
      }
    }
    int u = ETH + ihl(f);
    if (protocol(f) == 17 && f.length >= u + 8) {
      putShort(f, u, 7);
      putShort(f, u + 2, 7);
    }
    return fixChecksums(f, 1.0);
  }

  // --- checksums and bytes ----------------------------------------------------------------------

  /**
   * With probability {@code p}: the IPv4 header checksum, and (for an unfragmented datagram that
   * fits the frame) the UDP or ICMP checksum.
   */
  private byte[] fixChecksums(byte[] f, double p) {
    if (random.nextDouble() >= p || !isIpv4(f)) {
      return f;
    }
    int hl = ihl(f);
    if (hl < 20 || f.length < ETH + hl) {
      return f;
    }
    int total = getShort(f, ETH + 2);
    int word = getShort(f, ETH + 6);
    if ((word & 0x3fff) == 0 && total >= hl && ETH + total <= f.length) {
      int t = ETH + hl;
      int len = total - hl;
      if (protocol(f) == 17 && len >= 8 && getShort(f, t + 6) != 0) {
        putShort(f, t + 6, 0);
        long sum = sum(f, ETH + 12, 8, 0) + 17 + len;
        int c = finish(sum(f, t, len, sum));
        putShort(f, t + 6, c == 0 ? 0xffff : c);
      } else if (protocol(f) == 1 && len >= 4) {
        putShort(f, t + 2, 0);
        putShort(f, t + 2, finish(sum(f, t, len, 0)));
      }
    }
    putShort(f, ETH + 10, 0);
    putShort(f, ETH + 10, finish(sum(f, ETH, hl, 0)));
    return f;
  }

  private static long sum(byte[] a, int from, int length, long sum) {
    for (int i = 0; i < length; i += 2) {
      int hi = a[from + i] & 0xff;
      int lo = i + 1 < length ? a[from + i + 1] & 0xff : 0;
      sum += (hi << 8) | lo;
    }
    return sum;
  }

  private static int finish(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }

  static int getShort(byte[] f, int at) {
    return ((f[at] & 0xff) << 8) | (f[at + 1] & 0xff);
  }

  static void putShort(byte[] f, int at, int v) {
    if (at + 1 < f.length) {
      f[at] = (byte) (v >>> 8);
      f[at + 1] = (byte) v;
    }
  }
}
