package io.morgana.net.dhcp.server;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.wire.DhcpMessage;
import io.morgana.net.dhcp.wire.DhcpOptions;
import io.morgana.net.dhcp.wire.DhcpPacket;
import io.morgana.net.dhcp.wire.MessageType;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.runtime.Pollable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The DHCPv4 server of RFC 2131 §4.3 over one {@link DhcpPool}, a loop-confined state machine:
 * messages and the time come in as arguments, replies and lease-database writes go out through
 * its {@link Host}.
 *
 * <ul>
 *   <li>DISCOVER: the client's reservation, else the address it holds or held, else the address it
 *       asks for if free, else the lowest free one; held as an offer for {@link #OFFER_HOLD}.
 *   <li>REQUEST, in the four situations of §4.3.2: SELECTING (server identifier present: ours
 *       binds the offer, another server's frees it), INIT-REBOOT (requested address, no ciaddr;
 *       silence for a client we have no record of), RENEWING and REBINDING (ciaddr; a free
 *       address is kept by a client we have no record of). An address not on our network, or
 *       bound to another client, is NAKed.
 *   <li>DECLINE marks the address unusable for the default lease time; RELEASE frees it; INFORM is
 *       answered with the options and no lease.
 *   <li>Relayed messages (giaddr set) are served when giaddr is on the pool's network, and
 *       answered to the relay's port 67.
 * </ul>
 *
 * Every ACK that creates or extends a binding, and every RELEASE, first goes through {@link
 * Host#persist}: the ACK is sent only once the bindings are durable, so a crash loses nothing
 * acknowledged. Expired bindings are collected in {@link #poll}. Loop thread only.
 */
public final class DhcpServer {

  /** How long an offered address is held for the client's REQUEST. */
  public static final Duration OFFER_HOLD = Duration.ofSeconds(60);

  /** What the server does to the world. */
  public interface Host {
    /** Sends {@code reply} from port 67 to {@code destination}:{@code port}. */
    void send(DhcpMessage reply, Ipv4Address destination, int port, long now);

    /**
     * Makes {@code bound} (every binding acknowledged and unexpired) durable, then runs {@code
     * then} on the loop thread; if writing fails, {@code then} never runs.
     */
    void persist(List<ServerLease> bound, Runnable then);
  }

  private enum Kind { OFFERED, BOUND, DECLINED }

  private static final class Binding {
    final MacAddress mac; // null for DECLINED
    final Ipv4Address address;
    Kind kind;
    long expiresAt;

    Binding(MacAddress mac, Ipv4Address address, Kind kind, long expiresAt) {
      this.mac = mac;
      this.address = address;
      this.kind = kind;
      this.expiresAt = expiresAt;
    }
  }

  private static final long SECOND = 1_000_000_000L;

  private final DhcpPool pool;
  private final Host host;
  private final ProtocolCounters<DhcpServerCounter> counters = new ProtocolCounters<>(DhcpServerCounter.class);
  private final Map<Ipv4Address, Binding> byAddress = new HashMap<>();
  private final Map<MacAddress, Binding> byMac = new HashMap<>();
  private final Map<MacAddress, Ipv4Address> previous = new HashMap<>();
  private long deadline = Pollable.NO_DEADLINE;

  /** A server over {@code pool} that starts with the bindings {@code restored} (from the lease database). */
  public DhcpServer(DhcpPool pool, Host host, List<ServerLease> restored, long now) {
    this.pool = Objects.requireNonNull(pool);
    this.host = Objects.requireNonNull(host);
    for (ServerLease l : restored) {
      if (l.expiresAtNanos() > now && pool.leasable(l.address()) && !byAddress.containsKey(l.address())
          && !byMac.containsKey(l.mac()) && reservationAllows(l.mac(), l.address())) {
        put(new Binding(l.mac(), l.address(), Kind.BOUND, l.expiresAtNanos()));
        arm(l.expiresAtNanos());
      }
    }
  }

  public ProtocolCounters<DhcpServerCounter> counters() {
    return counters;
  }

  public DhcpPool pool() {
    return pool;
  }

  /** Every acknowledged, unexpired binding, by address. */
  public List<ServerLease> leases() {
    List<ServerLease> out = new ArrayList<>();
    for (Binding b : byAddress.values()) {
      if (b.kind == Kind.BOUND) {
        out.add(new ServerLease(b.mac, b.address, b.expiresAt));
      }
    }
    out.sort(Comparator.comparing(ServerLease::address));
    return out;
  }

  /** The acknowledged binding of {@code mac}, if any. */
  public Optional<ServerLease> leaseOf(MacAddress mac) {
    Binding b = byMac.get(mac);
    return b == null || b.kind != Kind.BOUND ? Optional.empty() : Optional.of(new ServerLease(b.mac, b.address, b.expiresAt));
  }

  /** Collects expired bindings. */
  public boolean poll(long now) {
    if (now < deadline) {
      return false;
    }
    boolean boundExpired = false;
    long next = Pollable.NO_DEADLINE;
    for (Binding b : new ArrayList<>(byAddress.values())) {
      if (b.expiresAt <= now) {
        remove(b);
        if (b.kind == Kind.BOUND) {
          boundExpired = true;
          counters.increment(DhcpServerCounter.LEASES_EXPIRED);
        }
      } else {
        next = Math.min(next, b.expiresAt);
      }
    }
    deadline = next;
    if (boundExpired) {
      host.persist(leases(), () -> {});
    }
    return true;
  }

  public long nextDeadlineNanos() {
    return deadline;
  }

  /** Takes a message that arrived on port 67 (from {@code source}, for replies to INFORM). */
  public void receive(DhcpMessage m, long now) {
    if (m.op() != DhcpPacket.BOOTREQUEST || m.clientMac().isMulticast() || m.clientMac().equals(MacAddress.ZERO)) {
      counters.increment(DhcpServerCounter.RX_IGNORED);
      return;
    }
    if (!m.relayAddress().isAny() && !pool.network().contains(m.relayAddress())) {
      counters.increment(DhcpServerCounter.RX_IGNORED); // a relay for a network we do not serve
      return;
    }
    switch (m.type()) {
      case DISCOVER -> discover(m, now);
      case REQUEST -> request(m, now);
      case DECLINE -> decline(m, now);
      case RELEASE -> release(m, now);
      case INFORM -> inform(m, now);
      default -> counters.increment(DhcpServerCounter.RX_IGNORED);
    }
  }

  // ------------------------------------------------------------------ messages

  private void discover(DhcpMessage m, long now) {
    counters.increment(DhcpServerCounter.RX_DISCOVERS);
    MacAddress mac = m.clientMac();
    Ipv4Address a = choose(mac, m.options().requestedAddress(), now);
    if (a == null) {
      counters.increment(DhcpServerCounter.POOL_EXHAUSTED);
      return;
    }
    Binding b = byMac.get(mac);
    if (b == null || !b.address.equals(a)) {
      if (b != null) {
        remove(b);
      }
      b = new Binding(mac, a, Kind.OFFERED, now + OFFER_HOLD.toNanos());
      put(b);
    } else if (b.kind == Kind.OFFERED) {
      b.expiresAt = now + OFFER_HOLD.toNanos();
    }
    arm(b.expiresAt);
    long seconds = leaseSeconds(m);
    send(reply(m, MessageType.OFFER, a, seconds), m, now);
    counters.increment(DhcpServerCounter.TX_OFFERS);
  }

  private void request(DhcpMessage m, long now) {
    counters.increment(DhcpServerCounter.RX_REQUESTS);
    MacAddress mac = m.clientMac();
    Optional<Ipv4Address> serverId = m.serverId();
    Optional<Ipv4Address> requested = m.options().requestedAddress();
    Binding b = byMac.get(mac);
    if (serverId.isPresent()) {
      // SELECTING (RFC 2131 §4.3.2).
      if (!serverId.get().equals(pool.serverId())) {
        if (b != null && b.kind == Kind.OFFERED) {
          remove(b); // the client took another server's offer
        }
        counters.increment(DhcpServerCounter.RX_IGNORED);
        return;
      }
      if (requested.isEmpty() || b == null || !b.address.equals(requested.get())) {
        nak(m, "no offer for that address", now);
        return;
      }
      bind(b, m, now);
      return;
    }
    Ipv4Address asked;
    if (!m.clientAddress().isAny()) {
      asked = m.clientAddress(); // RENEWING or REBINDING
    } else if (requested.isPresent()) {
      asked = requested.get(); // INIT-REBOOT
    } else {
      counters.increment(DhcpServerCounter.RX_IGNORED);
      return;
    }
    if (!onOurNetwork(m, asked)) {
      nak(m, "wrong network", now);
      return;
    }
    Binding holder = byAddress.get(asked);
    if (holder != null && holder.kind != Kind.DECLINED && mac.equals(holder.mac)) {
      bind(holder, m, now);
      return;
    }
    if (holder == null && m.clientAddress().isAny()) {
      // INIT-REBOOT from a client we have no record of: RFC 2131 §4.3.2 says the server MUST
      // remain silent (another server on the wire may know it).
      counters.increment(DhcpServerCounter.RX_IGNORED);
      return;
    }
    if (holder == null && pool.leasable(asked) && reservationAllows(mac, asked)) {
      // RENEWING or REBINDING from a client we have no record of (a lost database, another
      // server's lease): if the address is free for it, it may keep it.
      if (b != null) {
        remove(b);
      }
      Binding fresh = new Binding(mac, asked, Kind.OFFERED, now);
      put(fresh);
      bind(fresh, m, now);
      return;
    }
    nak(m, "address not available", now);
  }

  private void decline(DhcpMessage m, long now) {
    counters.increment(DhcpServerCounter.RX_DECLINES);
    Optional<Ipv4Address> a = m.options().requestedAddress();
    Binding b = byMac.get(m.clientMac());
    if (a.isEmpty() || b == null || !b.address.equals(a.get())
        || m.serverId().map(s -> !s.equals(pool.serverId())).orElse(false)) {
      counters.increment(DhcpServerCounter.RX_IGNORED);
      return;
    }
    boolean wasBound = b.kind == Kind.BOUND;
    remove(b);
    Binding declined = new Binding(null, b.address, Kind.DECLINED, now + pool.defaultLease().toNanos());
    put(declined);
    arm(declined.expiresAt);
    if (wasBound) {
      host.persist(leases(), () -> {});
    }
  }

  private void release(DhcpMessage m, long now) {
    counters.increment(DhcpServerCounter.RX_RELEASES);
    Binding b = byMac.get(m.clientMac());
    if (b == null || !b.address.equals(m.clientAddress()) || b.kind != Kind.BOUND) {
      counters.increment(DhcpServerCounter.RX_IGNORED);
      return;
    }
    remove(b);
    previous.put(b.mac, b.address);
    host.persist(leases(), () -> {});
  }

  private void inform(DhcpMessage m, long now) {
    counters.increment(DhcpServerCounter.RX_INFORMS);
    if (m.clientAddress().isAny() && m.relayAddress().isAny()) {
      counters.increment(DhcpServerCounter.RX_IGNORED);
      return;
    }
    DhcpMessage ack = reply(m, MessageType.ACK, Ipv4Address.ANY, -1);
    // RFC 2131 §4.3.5: unicast to ciaddr (through the relay if there is one).
    if (!m.relayAddress().isAny()) {
      host.send(ack, m.relayAddress(), DhcpPacket.SERVER_PORT, now);
    } else {
      host.send(ack, m.clientAddress(), DhcpPacket.CLIENT_PORT, now);
    }
    counters.increment(DhcpServerCounter.TX_ACKS);
  }

  // ------------------------------------------------------------------ bindings

  private void bind(Binding b, DhcpMessage m, long now) {
    long seconds = leaseSeconds(m);
    b.kind = Kind.BOUND;
    b.expiresAt = now + seconds * SECOND;
    arm(b.expiresAt);
    previous.remove(b.mac);
    DhcpMessage ack = reply(m, MessageType.ACK, b.address, seconds);
    host.persist(leases(), () -> {
      send(ack, m, now);
      counters.increment(DhcpServerCounter.TX_ACKS);
    });
  }

  private void nak(DhcpMessage m, String why, long now) {
    DhcpOptions o = DhcpOptions.builder().messageType(MessageType.NAK).serverId(pool.serverId()).message(why).build();
    DhcpMessage nak = new DhcpMessage(DhcpPacket.BOOTREPLY, 0, m.xid(), 0, m.broadcast(), Ipv4Address.ANY, Ipv4Address.ANY,
        Ipv4Address.ANY, m.relayAddress(), m.clientMac(), o);
    // RFC 2131 §4.3.2: a NAK goes to the relay, else to the limited broadcast.
    if (!m.relayAddress().isAny()) {
      host.send(nak, m.relayAddress(), DhcpPacket.SERVER_PORT, now);
    } else {
      host.send(nak, Ipv4Address.BROADCAST, DhcpPacket.CLIENT_PORT, now);
    }
    counters.increment(DhcpServerCounter.TX_NAKS);
  }

  /** The address to offer {@code mac}, or null when none is free. */
  private Ipv4Address choose(MacAddress mac, Optional<Ipv4Address> requested, long now) {
    Ipv4Address reserved = pool.reservations().get(mac);
    if (reserved != null) {
      Binding holder = byAddress.get(reserved);
      return holder == null || mac.equals(holder.mac) ? reserved : null;
    }
    Binding own = byMac.get(mac);
    if (own != null) {
      return own.address;
    }
    Ipv4Address before = previous.get(mac);
    if (before != null && free(before, mac)) {
      return before;
    }
    if (requested.isPresent() && free(requested.get(), mac)) {
      return requested.get();
    }
    long first = pool.first().toInt() & 0xffff_ffffL;
    long last = pool.last().toInt() & 0xffff_ffffL;
    for (long x = first; x <= last; x++) {
      Ipv4Address a = Ipv4Address.of((int) x);
      if (free(a, mac)) {
        return a;
      }
    }
    return null;
  }

  private boolean free(Ipv4Address a, MacAddress mac) {
    return pool.leasable(a) && !byAddress.containsKey(a) && reservationAllows(mac, a);
  }

  /** Whether {@code a} is reserved for nobody, or for {@code mac}. */
  private boolean reservationAllows(MacAddress mac, Ipv4Address a) {
    Ipv4Address mine = pool.reservations().get(mac);
    if (mine != null) {
      return mine.equals(a);
    }
    return !pool.reservations().containsValue(a) && pool.inRange(a);
  }

  private boolean onOurNetwork(DhcpMessage m, Ipv4Address a) {
    return pool.network().contains(a);
  }

  private void put(Binding b) {
    byAddress.put(b.address, b);
    if (b.mac != null) {
      byMac.put(b.mac, b);
    }
  }

  private void remove(Binding b) {
    byAddress.remove(b.address, b);
    if (b.mac != null) {
      byMac.remove(b.mac, b);
    }
  }

  private void arm(long at) {
    deadline = Math.min(deadline, at);
  }

  private long leaseSeconds(DhcpMessage m) {
    long max = pool.maxLease().toSeconds();
    return m.options().leaseTime().stream().map(s -> Math.max(1, Math.min(s, max))).findFirst()
        .orElse(pool.defaultLease().toSeconds());
  }

  private DhcpMessage reply(DhcpMessage m, MessageType type, Ipv4Address yiaddr, long seconds) {
    DhcpOptions.Builder o = DhcpOptions.builder().messageType(type).serverId(pool.serverId());
    if (seconds > 0) {
      o.leaseTime(seconds).renewalTime(seconds / 2).rebindingTime(seconds * 7 / 8);
    }
    o.subnetMask(pool.network().netmask());
    pool.router().ifPresent(r -> o.routers(List.of(r)));
    o.dnsServers(pool.dnsServers());
    pool.domainName().ifPresent(o::domainName);
    return new DhcpMessage(DhcpPacket.BOOTREPLY, 0, m.xid(), 0, m.broadcast(),
        type == MessageType.ACK ? m.clientAddress() : Ipv4Address.ANY, yiaddr, Ipv4Address.ANY, m.relayAddress(),
        m.clientMac(), o.build());
  }

  /**
   * RFC 2131 §4.1: to the relay when there is one; to ciaddr when the client has an address;
   * otherwise to the limited broadcast (this server never unicasts to an unconfigured client's
   * hardware address, which RFC 2131 allows).
   */
  private void send(DhcpMessage reply, DhcpMessage request, long now) {
    if (!request.relayAddress().isAny()) {
      host.send(reply, request.relayAddress(), DhcpPacket.SERVER_PORT, now);
    } else if (!request.clientAddress().isAny()) {
      host.send(reply, request.clientAddress(), DhcpPacket.CLIENT_PORT, now);
    } else {
      host.send(reply, Ipv4Address.BROADCAST, DhcpPacket.CLIENT_PORT, now);
    }
  }
}
