package io.morgana.net.tcpip.arp;

import io.morgana.api.Arp;
import io.morgana.api.Ethernet;
import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.ethernet.EthernetLayer;
import io.morgana.net.tcpip.internal.AddressCache;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.net.tcpip.internal.Tx;
import io.morgana.net.tcpip.wire.ArpPacket;
import io.morgana.net.tcpip.wire.EthernetFrame;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.runtime.Pollable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * ARP for Ethernet and IPv4 (RFC 826, RFC 1122 §2.3.2.1/2.3.2.2, RFC 5227 §2.3).
 *
 * <ul>
 *   <li>Answers requests for our addresses, unicast to the requester.
 *   <li>Learns the sender of packets addressed to one of our addresses (requests for us and
 *       replies to us), creating or updating its entry; packets addressed to other hosts create
 *       nothing and change nothing except an existing entry named by a gratuitous announcement
 *       (sender = target address). Packets from our own MAC, from group MACs, from 0.0.0.0 or
 *       claiming one of our addresses from another MAC (an RFC 5227 conflict, counted) are not
 *       learned from.
 *   <li>Entries live {@link #ENTRY_LIFETIME_NANOS}; resolution sends at most one request per
 *       second per address ({@link #REQUEST_INTERVAL_NANOS}), {@link #MAX_REQUESTS} in all, and
 *       then fails: queued packets are dropped and counted, queries complete with a {@link
 *       TimeoutException}.
 *   <li>Packets waiting for resolution are queued, at most {@link #MAX_QUEUED_PER_ADDRESS} per
 *       address and {@link #MAX_QUEUED} in all; more are dropped and counted.
 *   <li>Each new address is announced with {@link #ANNOUNCE_NUM} gratuitous requests {@link
 *       #ANNOUNCE_INTERVAL_NANOS} apart (RFC 5227 §2.3).
 * </ul>
 *
 * Time comes from {@link #poll(long)} and the {@code now} arguments; the api methods, which have
 * none, read the loop time through the supplier the stack gives. Loop thread only.
 */
public final class ArpLayer implements Arp {

  public static final long ENTRY_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(60);
  public static final long REQUEST_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  public static final int MAX_REQUESTS = 3;
  public static final int MAX_QUEUED_PER_ADDRESS = 64;
  public static final int MAX_QUEUED = 256;
  public static final int MAX_ENTRIES = 1024;
  public static final int ANNOUNCE_NUM = 2;
  public static final long ANNOUNCE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final long BROADCAST = MacAddress.BROADCAST.toLong();

  private final EthernetLayer ethernet;
  private final long macBits;
  private final ProtocolCounters<ArpCounter> counters = new ProtocolCounters<>(ArpCounter.class);
  private final AddressCache cache;
  private final ByteBufAllocator alloc;
  private final LongSupplier clock;
  private final ArpPacket rx = new ArpPacket();
  private final IntObjectHashMap<Entry> entries = new IntObjectHashMap<>();
  private final List<Announcement> announcements = new ArrayList<>();
  private List<Ipv4Address> addresses = List.of();
  private int[] addressBits = new int[0];
  private int queued;
  private long nextDeadline = Pollable.NO_DEADLINE;

  public ArpLayer(
      EthernetLayer ethernet, AddressCache cache, ByteBufAllocator alloc, LongSupplier clock) {
    this.ethernet = ethernet;
    this.macBits = ethernet.mac().toLong();
    this.cache = cache;
    this.alloc = alloc;
    this.clock = clock;
  }

  /** This layer's counters. */
  public ProtocolCounters<ArpCounter> counters() {
    return counters;
  }

  private static final class Entry {
    final Ipv4Address address;
    MacAddress mac; // null while resolving
    long expiresAt;
    long nextRequestAt;
    int requestsSent;
    final ArrayDeque<ByteBuf> queue = new ArrayDeque<>(0);
    /** The {@link Tx} metadata of {@link #queue}'s packets, a ring in step with it; made when needed. */
    int[] queueTx;
    int queueTxHead;

    void enqueue(ByteBuf datagram, int tx) {
      if (tx != 0 && queueTx == null) {
        queueTx = new int[MAX_QUEUED_PER_ADDRESS];
      }
      if (queueTx != null) {
        queueTx[(queueTxHead + queue.size()) % MAX_QUEUED_PER_ADDRESS] = tx;
      }
      queue.add(datagram);
    }

    /** The {@link Tx} metadata of the head of {@link #queue}, which the caller is about to poll. */
    int headTx() {
      if (queueTx == null) {
        return 0;
      }
      int tx = queueTx[queueTxHead];
      queueTxHead = (queueTxHead + 1) % MAX_QUEUED_PER_ADDRESS;
      return tx;
    }
    List<CompletableFuture<MacAddress>> waiters;

    Entry(Ipv4Address address) {
      this.address = address;
      this.nextRequestAt = Long.MIN_VALUE;
    }
  }

  private record Announcement(Ipv4Address address, int remaining, long at) {}

  // ---------------------------------------------------------------- api

  @Override
  public List<Ipv4Address> addresses() {
    return addresses;
  }

  @Override
  public void setAddresses(List<Ipv4Address> newAddresses) {
    setAddresses(newAddresses, clock.getAsLong());
  }

  /** {@link #setAddresses(List)} at {@code now}: announces each new address at once and later. */
  public void setAddresses(List<Ipv4Address> newAddresses, long now) {
    List<Ipv4Address> old = addresses;
    addresses = List.copyOf(newAddresses);
    addressBits = addresses.stream().mapToInt(Ipv4Address::toInt).toArray();
    announcements.removeIf(a -> !addresses.contains(a.address()));
    for (Ipv4Address a : addresses) {
      cache.remember(a);
      if (!old.contains(a)) {
        announce(a);
        if (ANNOUNCE_NUM > 1) {
          announcements.add(new Announcement(a, ANNOUNCE_NUM - 1, now + ANNOUNCE_INTERVAL_NANOS));
          nextDeadline = Math.min(nextDeadline, now + ANNOUNCE_INTERVAL_NANOS);
        }
      }
    }
  }

  @Override
  public Optional<MacAddress> lookup(Ipv4Address address) {
    Entry e = entries.get(address.toInt());
    if (e != null && e.mac != null && clock.getAsLong() < e.expiresAt) {
      return Optional.of(e.mac);
    }
    return Optional.empty();
  }

  @Override
  public CompletionStage<MacAddress> query(Ipv4Address address) {
    long now = clock.getAsLong();
    Entry e = entries.get(address.toInt());
    if (e != null && e.mac != null && now < e.expiresAt) {
      return CompletableFuture.completedFuture(e.mac);
    }
    e = pending(address, e, now);
    if (e == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("ARP cache full of unresolved entries"));
    }
    CompletableFuture<MacAddress> f = new CompletableFuture<>();
    if (e.waiters == null) {
      e.waiters = new ArrayList<>(1);
    }
    e.waiters.add(f);
    return f;
  }

  /** Number of packets waiting for resolution. */
  public int queuedPackets() {
    return queued;
  }

  /** A snapshot of the cache at {@code now}, ordered by address. Call on the loop thread. */
  public List<ArpEntry> entries(long now) {
    List<ArpEntry> out = new ArrayList<>(entries.size());
    for (Entry e : entries.values()) {
      boolean usable = e.mac != null && now < e.expiresAt;
      out.add(new ArpEntry(e.address, Optional.ofNullable(e.mac), usable ? e.expiresAt - now : 0, e.queue.size()));
    }
    out.sort((a, b) -> Integer.compareUnsigned(a.address().toInt(), b.address().toInt()));
    return out;
  }

  /** Number of cache entries, resolved or resolving. */
  public int entryCount() {
    return entries.size();
  }

  // ---------------------------------------------------------------- send path

  /**
   * Sends the IPv4 datagram {@code datagram} (owned by the callee from now on) to the host
   * {@code nextHop}: at once when its address is cached, otherwise after resolution.
   *
   * @return false if the datagram was dropped at once (queue full, device refused)
   */
  public boolean send(Ipv4Address nextHop, ByteBuf datagram, long now) {
    return send(nextHop, datagram, 0, now);
  }

  /** As {@link #send(Ipv4Address, ByteBuf, long)} with the datagram's {@link Tx} metadata, kept while it waits. */
  public boolean send(Ipv4Address nextHop, ByteBuf datagram, int tx, long now) {
    Entry e = entries.get(nextHop.toInt());
    if (e != null && e.mac != null && now < e.expiresAt) {
      return ethernet.write(e.mac.toLong(), Ethernet.TYPE_IPV4, datagram, tx);
    }
    e = pending(nextHop, e, now);
    if (e == null || e.queue.size() >= MAX_QUEUED_PER_ADDRESS || queued >= MAX_QUEUED) {
      datagram.release();
      counters.increment(ArpCounter.QUEUE_DROP_FULL);
      return false;
    }
    e.enqueue(datagram, tx);
    queued++;
    return true;
  }

  /** The resolving entry for {@code address}, created (and a request sent) when needed. */
  private Entry pending(Ipv4Address address, Entry e, long now) {
    if (e == null) {
      if (entries.size() >= MAX_ENTRIES && !evict(now)) {
        return null;
      }
      e = new Entry(address);
      entries.put(address.toInt(), e);
    }
    if (e.mac != null) { // expired: resolve afresh
      e.mac = null;
      e.requestsSent = 0;
      e.nextRequestAt = now;
    }
    if (e.requestsSent == 0 && now >= e.nextRequestAt) {
      request(e, now);
    }
    return e;
  }

  private boolean evict(long now) {
    // Prefer an expired or the oldest resolved entry; never one with queued packets.
    Entry victim = null;
    for (Entry e : entries.values()) {
      if (e.mac != null && (victim == null || e.expiresAt < victim.expiresAt)) {
        victim = e;
      }
    }
    if (victim == null) {
      return false;
    }
    entries.remove(victim.address.toInt());
    counters.increment(ArpCounter.CACHE_EVICTIONS);
    return true;
  }

  private void request(Entry e, long now) {
    int spa = addressBits.length > 0 ? addressBits[0] : 0;
    emit(ArpPacket.OPERATION_REQUEST, BROADCAST, spa, 0L, e.address.toInt());
    counters.increment(ArpCounter.TX_REQUESTS);
    e.requestsSent++;
    e.nextRequestAt = now + REQUEST_INTERVAL_NANOS;
    nextDeadline = Math.min(nextDeadline, e.nextRequestAt);
  }

  private void announce(Ipv4Address a) {
    emit(ArpPacket.OPERATION_REQUEST, BROADCAST, a.toInt(), 0L, a.toInt());
    counters.increment(ArpCounter.TX_ANNOUNCEMENTS);
  }

  private void emit(int operation, long ethernetDestination, int spa, long tha, int tpa) {
    int headroom = EthernetFrame.HEADER_LENGTH;
    ByteBuf buf = alloc.directBuffer(headroom + ArpPacket.LENGTH);
    buf.setIndex(headroom, headroom + ArpPacket.LENGTH);
    ArpPacket.emit(buf, headroom, operation, macBits, spa, tha, tpa);
    ethernet.write(ethernetDestination, Ethernet.TYPE_ARP, buf);
  }

  // ---------------------------------------------------------------- receive path

  /** The {@link Ethernet.EthernetHandler} for ARP; {@code payload} is borrowed. */
  public void receive(MacAddress source, ByteBuf payload, int rxFlags, long now) {
    try {
      rx.wrap(payload, payload.readerIndex(), payload.readableBytes()).check();
    } catch (MalformedPacketException e) {
      counters.increment(ArpCounter.RX_DROP_MALFORMED);
      return;
    }
    int op = rx.operation();
    if (op == ArpPacket.OPERATION_REQUEST) {
      counters.increment(ArpCounter.RX_REQUESTS);
    } else if (op == ArpPacket.OPERATION_REPLY) {
      counters.increment(ArpCounter.RX_REPLIES);
    } else {
      counters.increment(ArpCounter.RX_DROP_UNKNOWN_OPERATION);
      return;
    }
    long sha = rx.senderHardware();
    int spa = rx.senderProtocol();
    int tpa = rx.targetProtocol();
    boolean forUs = isOurs(tpa);
    if (sha == macBits) {
      counters.increment(ArpCounter.RX_DROP_BOGUS_SENDER); // our own frame looped back
      return;
    }
    if (isOurs(spa)) {
      counters.increment(ArpCounter.ADDRESS_CONFLICTS); // RFC 5227 §2.4: someone else claims it
      return;
    }
    boolean learnable = spa != 0 && spa != -1 && (spa >>> 28) != 0xe
        && (sha & 0x0100_0000_0000L) == 0 && sha != 0;
    if (!learnable) {
      counters.increment(ArpCounter.RX_DROP_BOGUS_SENDER);
    } else {
      Entry e = entries.get(spa);
      // A reply to our own request for an address we are resolving is learned whatever its
      // target protocol address: an unconfigured interface asks from 0.0.0.0 (a DHCP client's
      // RFC 5227 probe), and the owner answers to 0.0.0.0 at our MAC.
      boolean answersOurQuery = e != null && e.mac == null && op == ArpPacket.OPERATION_REPLY && rx.targetHardware() == macBits;
      if (forUs || (e != null && spa == tpa) || answersOurQuery) {
        learn(e, spa, sha, now);
      } else {
        counters.increment(ArpCounter.RX_IGNORED_NOT_FOR_US);
      }
    }
    if (op == ArpPacket.OPERATION_REQUEST && forUs && sha != 0 && (sha & 0x0100_0000_0000L) == 0) {
      emit(ArpPacket.OPERATION_REPLY, sha, tpa, sha, spa);
      counters.increment(ArpCounter.TX_REPLIES);
    }
  }

  private boolean isOurs(int address) {
    for (int a : addressBits) {
      if (a == address) {
        return true;
      }
    }
    return false;
  }

  private void learn(Entry e, int spa, long sha, long now) {
    if (e == null) {
      if (entries.size() >= MAX_ENTRIES && !evict(now)) {
        return;
      }
      e = new Entry(cache.ipv4(spa));
      entries.put(spa, e);
    }
    MacAddress mac = cache.mac(sha);
    e.mac = mac;
    e.expiresAt = now + ENTRY_LIFETIME_NANOS;
    e.requestsSent = 0;
    nextDeadline = Math.min(nextDeadline, e.expiresAt);
    ByteBuf b;
    while (!e.queue.isEmpty()) {
      int tx = e.headTx();
      b = e.queue.poll();
      queued--;
      ethernet.write(sha, Ethernet.TYPE_IPV4, b, tx);
    }
    List<CompletableFuture<MacAddress>> w = e.waiters;
    e.waiters = null;
    if (w != null) {
      for (CompletableFuture<MacAddress> f : w) {
        f.complete(mac);
      }
    }
  }

  // ---------------------------------------------------------------- time

  /** Retries requests, fails unanswered resolutions, expires entries, sends announcements. */
  public boolean poll(long now) {
    if (now < nextDeadline) {
      return false;
    }
    long next = Pollable.NO_DEADLINE;
    List<Entry> failed = null;
    List<Entry> expired = null;
    for (Entry e : entries.values()) {
      if (e.mac != null) {
        if (now >= e.expiresAt) {
          (expired == null ? expired = new ArrayList<>() : expired).add(e);
        } else {
          next = Math.min(next, e.expiresAt);
        }
      } else if (now >= e.nextRequestAt) {
        if (e.requestsSent >= MAX_REQUESTS) {
          (failed == null ? failed = new ArrayList<>() : failed).add(e);
        } else {
          request(e, now);
          next = Math.min(next, e.nextRequestAt);
        }
      } else {
        next = Math.min(next, e.nextRequestAt);
      }
    }
    for (int i = 0; i < announcements.size(); i++) {
      Announcement a = announcements.get(i);
      if (now >= a.at()) {
        announce(a.address());
        if (a.remaining() > 1) {
          a = new Announcement(a.address(), a.remaining() - 1, now + ANNOUNCE_INTERVAL_NANOS);
          announcements.set(i, a);
        } else {
          announcements.remove(i--);
          continue;
        }
      }
      next = Math.min(next, a.at());
    }
    nextDeadline = next;
    if (expired != null) {
      for (Entry e : expired) {
        entries.remove(e.address.toInt());
      }
    }
    if (failed != null) {
      for (Entry e : failed) {
        fail(e);
      }
    }
    return true;
  }

  private void fail(Entry e) {
    entries.remove(e.address.toInt());
    counters.increment(ArpCounter.RESOLUTION_FAILURES);
    ByteBuf b;
    while ((b = e.queue.poll()) != null) {
      queued--;
      b.release();
      counters.increment(ArpCounter.QUEUE_DROP_UNRESOLVED);
    }
    if (e.waiters != null) {
      TimeoutException t = new TimeoutException("no ARP reply from " + e.address + " after " + MAX_REQUESTS + " requests");
      for (CompletableFuture<MacAddress> f : e.waiters) {
        f.completeExceptionally(t);
      }
      e.waiters = null;
    }
  }

  /** The time {@link #poll} next has work, or {@link Pollable#NO_DEADLINE}. */
  public long nextDeadlineNanos() {
    return nextDeadline;
  }

  /** Releases queued packets and fails pending queries. */
  public void close() {
    for (Entry e : new ArrayList<>(entries.values())) {
      if (e.mac == null) {
        fail(e);
      }
    }
    entries.clear();
  }
}
