package io.morgana.net.tcpip.ipv4;

import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.wire.EthernetFrame;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * IPv4 reassembly (RFC 791 §3.2 "reassembly", RFC 1122 §3.3.2) within a memory budget.
 *
 * <p><b>Matching.</b> Fragments are matched by source, destination, protocol and identification
 * in an open-addressing hash table (linear probing, backward-shift deletion, a per-instance
 * random hash seed so that a sender cannot choose colliding keys). Any number of datagrams may
 * be in progress: the budget is the limit.
 *
 * <p><b>Memory.</b> Each fragment's data is copied into a pooled buffer of exactly its size
 * (the first fragment's with its header in front), so a 1,500-byte first fragment holds about
 * 1,500 bytes, not a 64 KiB datagram buffer. What is held is counted as the buffers' capacity
 * plus {@link #FRAGMENT_OVERHEAD} per fragment and {@link #DATAGRAM_OVERHEAD} per datagram (an
 * estimate of the objects and arrays around them), and never exceeds {@link
 * ReassemblyLimits#highThresholdBytes()}: a fragment that would go past it first evicts the
 * oldest incomplete datagrams (not its own) until what is held plus the fragment is at most
 * {@link ReassemblyLimits#lowThresholdBytes()}, each counted as {@link
 * Counter#IPV4_REASSEMBLY_EVICTED}; a fragment whose datagram alone would not fit is dropped
 * with that datagram ({@link Counter#IPV4_REASSEMBLY_DROP_LIMIT}). When a datagram completes,
 * its fragments are copied once more, in order, into the buffer handed to the caller, and
 * released.
 *
 * <p><b>Rules.</b> A fragment that overlaps one already received drops the whole datagram (RFC
 * 5722's rule, applied to IPv4); an exact duplicate with the same bytes (and, for the first
 * fragment, the same header length) is ignored. A non-final fragment whose data is not a
 * non-zero multiple of 8 bytes, or one that ends past the 65,535-byte limit, is malformed and
 * drops the datagram; so does one that ends past the final fragment, or a final fragment that
 * ends before data already received. Fragments per datagram need no limit of their own, as on
 * Linux: they cannot overlap and non-final ones carry at least 8 bytes, so a datagram has at
 * most 8,190 (65,515 / 8 rounded up, plus an empty final one), and a 65,535-byte datagram in
 * 8-byte fragments is reassembled. They are kept sorted by offset: a binary search finds a
 * fragment's place, fragments in order are appended, others shift the later ones by an array
 * copy (8,190 fragments in reverse order: some 33 million entries moved).
 *
 * <p><b>Time.</b> A datagram is dropped {@link ReassemblyLimits#timeoutNanos()} after its first
 * fragment arrived ({@link Counter#IPV4_REASSEMBLY_DROP_TIMEOUT}); the {@link TimeoutListener}
 * hears of it only when the fragment at offset 0 had arrived (the ICMP time exceeded quotes
 * it, RFC 792). Eviction is silent. Datagrams are kept in arrival order of their first
 * fragment, which is both the eviction order and (as {@code now} never decreases) the deadline
 * order, so {@link #poll} and eviction take the oldest in constant time.
 *
 * <p>The reassembled datagram is returned as a complete IPv4 datagram: the first fragment's
 * header (options included) with total length and fragment fields rewritten and a fresh checksum,
 * with at least 14 bytes of headroom in front.
 *
 * <p>Loop-confined; allocates on the receive path only pooled buffers (and, rarely, a datagram
 * record when none is spare, a larger array for a datagram's fragments, a larger table).
 */
final class Reassembler {

  /** Where data starts in a reassembled buffer: room for a link header and the largest IP header. */
  static final int DATA_START = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MAX_HEADER_LENGTH;
  /** Memory charged per datagram in progress besides its fragments: its record and table slot. */
  static final int DATAGRAM_OVERHEAD = 256;
  /** Memory charged per fragment besides its buffer's capacity: the buffer object, pool metadata, array slots. */
  static final int FRAGMENT_OVERHEAD = 96;

  private static final int INITIAL_TABLE = 64;
  private static final int MAX_SPARE = 16;
  private static final int MAX_KEPT_ARRAY = 64;
  private static final int[] NO_BOUNDS = new int[0];
  private static final ByteBuf[] NO_PIECES = new ByteBuf[0];

  /** Receives the first fragment's header of datagrams that time out (for ICMP time exceeded). */
  interface TimeoutListener {
    void timedOut(Ipv4Packet firstFragment, boolean anyLinkBroadcast, long now);
  }

  private final ReassemblyLimits limits;
  private final ProtocolCounters<Ipv4Counter> counters;
  private final ByteBufAllocator alloc;
  private final TimeoutListener timeouts;
  private final Ipv4Packet header = new Ipv4Packet();
  private final long hashSeed;
  private Datagram[] table = new Datagram[INITIAL_TABLE];
  private int size;
  private Datagram oldest;
  private Datagram newest;
  private Datagram spare;
  private int spares;
  private long held;
  private boolean completedLinkBroadcast;

  /** With {@link ReassemblyLimits#LINUX_DEFAULTS}. */
  Reassembler(ProtocolCounters<Ipv4Counter> counters, ByteBufAllocator alloc, TimeoutListener timeouts) {
    this(ReassemblyLimits.LINUX_DEFAULTS, counters, alloc, timeouts);
  }

  Reassembler(ReassemblyLimits limits, ProtocolCounters<Ipv4Counter> counters, ByteBufAllocator alloc, TimeoutListener timeouts) {
    this(limits, counters, alloc, timeouts, ThreadLocalRandom.current().nextLong());
  }

  /** With the table's hash seed given (drawn from the kernel's {@link io.morgana.runtime.Entropy}). */
  Reassembler(
      ReassemblyLimits limits, ProtocolCounters<Ipv4Counter> counters, ByteBufAllocator alloc, TimeoutListener timeouts,
      long hashSeed) {
    this.hashSeed = hashSeed;
    this.limits = limits;
    this.counters = counters;
    this.alloc = alloc;
    this.timeouts = timeouts;
  }

  /** One datagram in progress. */
  private static final class Datagram {
    int source;
    int destination;
    int protocol;
    int identification;
    int hash;
    long deadline;
    Datagram older; // arrival order of first fragments
    Datagram newer; // (also links spare records)
    /** Per fragment, sorted by offset and disjoint: {@code start << 16 | end} of its data. */
    int[] bounds = NO_BOUNDS;
    /** Per fragment, its data (the first one's header in front); null for an empty final fragment. */
    ByteBuf[] pieces = NO_PIECES;
    int fragments;
    int received;
    int total; // payload length once the final fragment arrived, else -1
    int headerLength; // 0 until the first fragment arrived
    boolean linkBroadcast; // any fragment came in a link-layer broadcast frame
    long bytes; // memory charged for this datagram
  }

  private static int start(int bounds) {
    return bounds >>> 16;
  }

  private static int end(int bounds) {
    return bounds & 0xffff;
  }

  /**
   * Adds the fragment {@code f} (validated, borrowed), which came in a link-layer broadcast frame
   * when {@code linkBroadcast}.
   *
   * @return the complete datagram (owned by the caller, readable bytes = header + payload) when
   *     this fragment completed one, else null
   */
  ByteBuf add(Ipv4Packet f, boolean linkBroadcast, long now) {
    int off = f.fragmentOffset();
    int n = f.payloadLength();
    boolean more = f.moreFragments();
    int end = off + n;
    int hash = hash(f.source(), f.destination(), f.protocol(), f.identification());
    Datagram d = find(hash, f);
    if ((more && (n == 0 || n % 8 != 0)) || end + f.headerLength() > Ipv4Packet.MAX_TOTAL_LENGTH) {
      counters.increment(Ipv4Counter.REASSEMBLY_DROP_MALFORMED);
      if (d != null) {
        remove(d);
      }
      return null;
    }
    int at = d == null ? 0 : place(d, f, off, end, more);
    if (at < 0) {
      return null;
    }
    int length = off == 0 ? f.headerLength() + n : n;
    long cost = length + FRAGMENT_OVERHEAD + (d == null ? DATAGRAM_OVERHEAD : 0);
    if (held + cost > limits.highThresholdBytes()) {
      evictOldest(d, limits.lowThresholdBytes() - cost);
      if (held + cost > limits.highThresholdBytes()) {
        counters.increment(Ipv4Counter.REASSEMBLY_DROP_LIMIT);
        if (d != null) {
          remove(d);
        }
        return null;
      }
    }
    if (d == null) {
      d = create(hash, f, now);
    }
    ByteBuf piece = null;
    if (length > 0) {
      piece = alloc.directBuffer(length, length);
      Buffers.copy(f.buffer(), off == 0 ? f.offset() : f.payloadOffset(), piece, 0, length);
      piece.writerIndex(length);
    }
    long charge = (piece == null ? 0 : piece.capacity()) + FRAGMENT_OVERHEAD;
    d.bytes += charge;
    held += charge;
    insert(d, at, off << 16 | end, piece);
    if (off == 0) {
      d.headerLength = f.headerLength();
    }
    if (!more) {
      d.total = end;
    }
    d.received += n;
    d.linkBroadcast |= linkBroadcast;
    if (d.total >= 0 && d.received == d.total && d.headerLength > 0) {
      return complete(d);
    }
    return null;
  }

  /**
   * Where the fragment {@code [off, end)} goes among {@code d}'s, or -1 when it is an exact
   * duplicate (ignored) or conflicts with them (then {@code d} is dropped). Counts either.
   */
  private int place(Datagram d, Ipv4Packet f, int off, int end, boolean more) {
    int[] bounds = d.bounds;
    int lo = 0;
    int hi = d.fragments;
    while (lo < hi) { // the first fragment that ends after off
      int mid = (lo + hi) >>> 1;
      if (end(bounds[mid]) > off) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (lo < d.fragments) {
      int s = start(bounds[lo]);
      // It ends after off; it overlaps when it starts before our end (or, for an empty final fragment, before off).
      if (off < end ? s < end : s < off) {
        if (s == off && end(bounds[lo]) == end && sameData(d, lo, f)) {
          counters.increment(Ipv4Counter.REASSEMBLY_DUPLICATES);
          return -1;
        }
        return conflict(d);
      }
    }
    if (off == end && lo > 0 && bounds[lo - 1] == (off << 16 | end)) { // an empty final fragment again
      counters.increment(Ipv4Counter.REASSEMBLY_DUPLICATES);
      return -1;
    }
    if (!more) {
      int maxEnd = d.fragments == 0 ? 0 : end(bounds[d.fragments - 1]);
      if ((d.total >= 0 && d.total != end) || maxEnd > end) {
        return conflict(d);
      }
    } else if (d.total >= 0 && end > d.total) {
      return conflict(d);
    }
    return lo;
  }

  private int conflict(Datagram d) {
    counters.increment(Ipv4Counter.REASSEMBLY_DROP_OVERLAP);
    remove(d);
    return -1;
  }

  /** Whether fragment {@code i} of {@code d} carries the same data as {@code f} (same offset and length). */
  private static boolean sameData(Datagram d, int i, Ipv4Packet f) {
    ByteBuf piece = d.pieces[i];
    int n = f.payloadLength();
    if (start(d.bounds[i]) == 0) {
      return d.headerLength == f.headerLength()
          && ByteBufUtil.equals(piece, d.headerLength, f.buffer(), f.payloadOffset(), n);
    }
    return ByteBufUtil.equals(piece, 0, f.buffer(), f.payloadOffset(), n);
  }

  private static void insert(Datagram d, int at, int bounds, ByteBuf piece) {
    int count = d.fragments;
    if (count == d.bounds.length) {
      int capacity = Math.max(8, count * 2);
      d.bounds = Arrays.copyOf(d.bounds, capacity);
      d.pieces = Arrays.copyOf(d.pieces, capacity);
    }
    if (at < count) {
      System.arraycopy(d.bounds, at, d.bounds, at + 1, count - at);
      System.arraycopy(d.pieces, at, d.pieces, at + 1, count - at);
    }
    d.bounds[at] = bounds;
    d.pieces[at] = piece;
    d.fragments = count + 1;
  }

  /** Copies the fragments of complete {@code d} into one buffer, rewrites the header, forgets {@code d}. */
  private ByteBuf complete(Datagram d) {
    int hl = d.headerLength;
    int start = DATA_START - hl;
    ByteBuf out = alloc.directBuffer(DATA_START + d.total);
    try {
      Buffers.copy(d.pieces[0], 0, out, start, hl);
      for (int i = 0; i < d.fragments; i++) {
        ByteBuf piece = d.pieces[i];
        if (piece != null) {
          int from = i == 0 ? hl : 0;
          Buffers.copy(piece, from, out, DATA_START + start(d.bounds[i]), piece.writerIndex() - from);
        }
      }
      out.setIndex(start, DATA_START + d.total);
      header.wrap(out, start, hl + d.total)
          .totalLength(hl + d.total)
          .flagsAndFragment(0)
          .updateChecksum();
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
    completedLinkBroadcast = d.linkBroadcast;
    remove(d);
    counters.increment(Ipv4Counter.RX_REASSEMBLED);
    return out;
  }

  /** Whether any fragment of the datagram {@link #add} last returned came as a link-layer broadcast. */
  boolean completedLinkBroadcast() {
    return completedLinkBroadcast;
  }

  /** Evicts the oldest datagrams but {@code keep} until at most {@code target} bytes are held. */
  private void evictOldest(Datagram keep, long target) {
    Datagram d = oldest;
    while (d != null && held > target) {
      Datagram next = d.newer;
      if (d != keep) {
        counters.increment(Ipv4Counter.REASSEMBLY_EVICTED);
        remove(d);
      }
      d = next;
    }
  }

  // ---------------------------------------------------------------- table

  private int hash(int source, int destination, int protocol, int identification) {
    long h = mix(((long) source << 32 | (destination & 0xffffffffL)) ^ hashSeed);
    h = mix(h ^ ((long) protocol << 16 | identification));
    return (int) (h ^ h >>> 32);
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ z >>> 30) * 0xbf58476d1ce4e5b9L;
    z = (z ^ z >>> 27) * 0x94d049bb133111ebL;
    return z ^ z >>> 31;
  }

  private Datagram find(int hash, Ipv4Packet f) {
    Datagram[] t = table;
    int mask = t.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      Datagram d = t[i];
      if (d == null) {
        return null;
      }
      if (d.hash == hash && d.identification == f.identification() && d.source == f.source()
          && d.destination == f.destination() && d.protocol == f.protocol()) {
        return d;
      }
    }
  }

  private Datagram create(int hash, Ipv4Packet f, long now) {
    Datagram d = spare;
    if (d != null) {
      spare = d.newer;
      spares--;
      d.newer = null;
    } else {
      d = new Datagram();
    }
    d.source = f.source();
    d.destination = f.destination();
    d.protocol = f.protocol();
    d.identification = f.identification();
    d.hash = hash;
    d.deadline = now + limits.timeoutNanos();
    d.total = -1;
    d.bytes = DATAGRAM_OVERHEAD;
    held += DATAGRAM_OVERHEAD;
    if ((size + 1) * 2 > table.length) {
      resize(table.length * 2);
    }
    put(table, d);
    d.older = newest;
    if (newest == null) {
      oldest = d;
    } else {
      newest.newer = d;
    }
    newest = d;
    size++;
    return d;
  }

  private static void put(Datagram[] t, Datagram d) {
    int mask = t.length - 1;
    int i = d.hash & mask;
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = d;
  }

  private void resize(int capacity) {
    Datagram[] t = new Datagram[capacity];
    for (Datagram d = oldest; d != null; d = d.newer) {
      put(t, d);
    }
    table = t;
  }

  /** Forgets {@code d}: releases its fragments, unlinks it, takes it out of the table. */
  private void remove(Datagram d) {
    for (int i = 0; i < d.fragments; i++) {
      ByteBuf piece = d.pieces[i];
      d.pieces[i] = null;
      if (piece != null) {
        piece.release();
      }
    }
    held -= d.bytes;
    if (d.older == null) {
      oldest = d.newer;
    } else {
      d.older.newer = d.newer;
    }
    if (d.newer == null) {
      newest = d.older;
    } else {
      d.newer.older = d.older;
    }
    removeFromTable(d);
    size--;
    d.older = null;
    d.newer = null;
    d.fragments = 0;
    d.received = 0;
    d.headerLength = 0;
    d.linkBroadcast = false;
    d.bytes = 0;
    if (spares < MAX_SPARE) {
      if (d.bounds.length > MAX_KEPT_ARRAY) {
        d.bounds = NO_BOUNDS;
        d.pieces = NO_PIECES;
      }
      d.newer = spare;
      spare = d;
      spares++;
    }
  }

  /** Linear probing's deletion: later entries of the run move back so that no lookup stops early. */
  private void removeFromTable(Datagram d) {
    Datagram[] t = table;
    int mask = t.length - 1;
    int i = d.hash & mask;
    while (t[i] != d) {
      i = (i + 1) & mask;
    }
    for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
      int home = t[j].hash & mask;
      // t[j] may move to the hole at i unless its home lies cyclically in (i, j].
      boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!stays) {
        t[i] = t[j];
        i = j;
      }
    }
    t[i] = null;
  }

  // ---------------------------------------------------------------- time and state

  /** Number of datagrams in progress. */
  int inProgress() {
    return size;
  }

  /** Memory held, as charged against {@link ReassemblyLimits#highThresholdBytes()}. */
  long bytesHeld() {
    return held;
  }

  /** Drops datagrams whose time is up. */
  boolean poll(long now) {
    if (oldest == null || now < oldest.deadline) {
      return false;
    }
    while (oldest != null && now >= oldest.deadline) {
      Datagram d = oldest;
      counters.increment(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT);
      try {
        if (d.headerLength > 0) {
          ByteBuf first = d.pieces[0];
          header.wrap(first, 0, first.writerIndex());
          timeouts.timedOut(header, d.linkBroadcast, now);
        }
      } finally {
        remove(d);
      }
    }
    return true;
  }

  long nextDeadlineNanos() {
    return oldest == null ? Pollable.NO_DEADLINE : oldest.deadline;
  }

  /** Releases every datagram in progress. */
  void close() {
    while (oldest != null) {
      remove(oldest);
    }
    spare = null;
    spares = 0;
    table = new Datagram[INITIAL_TABLE];
  }
}
