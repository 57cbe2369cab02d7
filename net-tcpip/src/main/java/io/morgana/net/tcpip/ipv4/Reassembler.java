package io.morgana.net.tcpip.ipv4;

import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.wire.EthernetFrame;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.concurrent.TimeUnit;

/**
 * IPv4 reassembly (RFC 791 §3.2 "reassembly", RFC 1122 §3.3.2) with bounded memory.
 *
 * <p>Fragments are matched by source, destination, protocol and identification, and copied into
 * one pooled buffer per datagram. Limits: {@link #MAX_DATAGRAMS} datagrams in progress, {@link
 * #MAX_FRAGMENTS} fragments per datagram, a datagram is at most 65,535 bytes, and each is given
 * {@link #TIMEOUT_NANOS} (RFC 1122's 60 s default) from its first fragment. A fragment that
 * overlaps one already received drops the whole datagram (RFC 5722's rule, applied to IPv4);
 * an exact duplicate with the same bytes is ignored. A non-final fragment whose data is not a
 * multiple of 8 bytes, or one that ends past the 65,535-byte limit or past the final fragment,
 * is malformed and drops the datagram.
 *
 * <p>The reassembled datagram is returned as a complete IPv4 datagram: the first fragment's
 * header (options included) with total length and fragment fields rewritten and a fresh checksum,
 * with at least 14 bytes of headroom in front.
 */
final class Reassembler {

  static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
  static final int MAX_DATAGRAMS = 16;
  static final int MAX_FRAGMENTS = 64;
  /** Where data starts in a reassembly buffer: room for a link header and the largest IP header. */
  static final int DATA_START = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MAX_HEADER_LENGTH;

  private final ProtocolCounters<Ipv4Counter> counters;
  private final ByteBufAllocator alloc;
  private final Datagram[] slots = new Datagram[MAX_DATAGRAMS];
  private final Ipv4Packet header = new Ipv4Packet();
  private long nextDeadline = Pollable.NO_DEADLINE;
  private boolean completedLinkBroadcast;

  /** Receives the first fragment's header of datagrams that time out (for ICMP time exceeded). */
  interface TimeoutListener {
    void timedOut(Ipv4Packet firstFragment, boolean anyLinkBroadcast, long now);
  }

  private final TimeoutListener timeouts;

  Reassembler(ProtocolCounters<Ipv4Counter> counters, ByteBufAllocator alloc, TimeoutListener timeouts) {
    this.counters = counters;
    this.alloc = alloc;
    this.timeouts = timeouts;
  }

  private static final class Datagram {
    int source;
    int destination;
    int protocol;
    int identification;
    long deadline;
    ByteBuf buf;
    final int[] starts = new int[MAX_FRAGMENTS];
    final int[] ends = new int[MAX_FRAGMENTS];
    int fragments;
    int received;
    int total = -1; // payload length once the last fragment arrived
    int headerLength; // 0 until the first fragment arrived
    boolean linkBroadcast; // any fragment came in a link-layer broadcast frame
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
    int slot = find(f);
    if ((more && (n == 0 || n % 8 != 0)) || end + f.headerLength() > Ipv4Packet.MAX_TOTAL_LENGTH) {
      counters.increment(Ipv4Counter.REASSEMBLY_DROP_MALFORMED);
      if (slot >= 0) {
        drop(slot);
      }
      return null;
    }
    Datagram d;
    if (slot < 0) {
      slot = freeSlot();
      if (slot < 0) {
        counters.increment(Ipv4Counter.REASSEMBLY_DROP_LIMIT);
        return null;
      }
      d = new Datagram();
      d.source = f.source();
      d.destination = f.destination();
      d.protocol = f.protocol();
      d.identification = f.identification();
      d.deadline = now + TIMEOUT_NANOS;
      d.buf = alloc.directBuffer(DATA_START + Ipv4Packet.MAX_TOTAL_LENGTH);
      d.buf.writerIndex(d.buf.capacity()); // absolute writes; ByteBufUtil.equals checks the writer index
      slots[slot] = d;
      nextDeadline = Math.min(nextDeadline, d.deadline);
    } else {
      d = slots[slot];
    }
    for (int i = 0; i < d.fragments; i++) {
      if (d.starts[i] < end && off < d.ends[i] || (n == 0 && d.starts[i] == off && d.ends[i] == end)) {
        if (d.starts[i] == off && d.ends[i] == end
            && ByteBufUtil.equals(d.buf, DATA_START + off, f.buffer(), f.payloadOffset(), n)
            && (off != 0 || d.headerLength == f.headerLength())) {
          counters.increment(Ipv4Counter.REASSEMBLY_DUPLICATES);
          return null;
        }
        counters.increment(Ipv4Counter.REASSEMBLY_DROP_OVERLAP);
        drop(slot);
        return null;
      }
    }
    if (!more) {
      if ((d.total >= 0 && d.total != end) || maxEnd(d) > end) {
        counters.increment(Ipv4Counter.REASSEMBLY_DROP_OVERLAP);
        drop(slot);
        return null;
      }
      d.total = end;
    } else if (d.total >= 0 && end > d.total) {
      counters.increment(Ipv4Counter.REASSEMBLY_DROP_OVERLAP);
      drop(slot);
      return null;
    }
    if (d.fragments == MAX_FRAGMENTS) {
      counters.increment(Ipv4Counter.REASSEMBLY_DROP_LIMIT);
      drop(slot);
      return null;
    }
    d.buf.setBytes(DATA_START + off, f.buffer(), f.payloadOffset(), n);
    if (off == 0) {
      d.headerLength = f.headerLength();
      d.buf.setBytes(DATA_START - d.headerLength, f.buffer(), f.offset(), d.headerLength);
    }
    d.starts[d.fragments] = off;
    d.ends[d.fragments] = end;
    d.fragments++;
    d.received += n;
    d.linkBroadcast |= linkBroadcast;
    if (d.total >= 0 && d.received == d.total && d.headerLength > 0) {
      ByteBuf b = d.buf;
      d.buf = null;
      slots[slot] = null;
      int start = DATA_START - d.headerLength;
      b.setIndex(start, DATA_START + d.total);
      header.wrap(b, start, d.headerLength + d.total)
          .totalLength(d.headerLength + d.total)
          .flagsAndFragment(0)
          .updateChecksum();
      counters.increment(Ipv4Counter.RX_REASSEMBLED);
      completedLinkBroadcast = d.linkBroadcast;
      return b;
    }
    return null;
  }

  /** Whether any fragment of the datagram {@link #add} last returned came as a link-layer broadcast. */
  boolean completedLinkBroadcast() {
    return completedLinkBroadcast;
  }

  private static int maxEnd(Datagram d) {
    int m = 0;
    for (int i = 0; i < d.fragments; i++) {
      m = Math.max(m, d.ends[i]);
    }
    return m;
  }

  private int find(Ipv4Packet f) {
    for (int i = 0; i < slots.length; i++) {
      Datagram d = slots[i];
      if (d != null && d.identification == f.identification() && d.source == f.source()
          && d.destination == f.destination() && d.protocol == f.protocol()) {
        return i;
      }
    }
    return -1;
  }

  private int freeSlot() {
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] == null) {
        return i;
      }
    }
    return -1;
  }

  private void drop(int slot) {
    Datagram d = slots[slot];
    slots[slot] = null;
    d.buf.release();
    d.buf = null;
  }

  /** Number of datagrams in progress. */
  int inProgress() {
    int n = 0;
    for (Datagram d : slots) {
      if (d != null) {
        n++;
      }
    }
    return n;
  }

  /** Drops datagrams whose time is up. */
  boolean poll(long now) {
    if (now < nextDeadline) {
      return false;
    }
    long next = Pollable.NO_DEADLINE;
    for (int i = 0; i < slots.length; i++) {
      Datagram d = slots[i];
      if (d == null) {
        continue;
      }
      if (now >= d.deadline) {
        counters.increment(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT);
        if (d.headerLength > 0) {
          int start = DATA_START - d.headerLength;
          int firstEnd = 0;
          for (int k = 0; k < d.fragments; k++) {
            if (d.starts[k] == 0) {
              firstEnd = d.ends[k];
            }
          }
          header.wrap(d.buf, start, d.headerLength + firstEnd);
          timeouts.timedOut(header, d.linkBroadcast, now);
        }
        drop(i);
      } else {
        next = Math.min(next, d.deadline);
      }
    }
    nextDeadline = next;
    return true;
  }

  long nextDeadlineNanos() {
    return nextDeadline;
  }

  void close() {
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null) {
        drop(i);
      }
    }
  }
}
