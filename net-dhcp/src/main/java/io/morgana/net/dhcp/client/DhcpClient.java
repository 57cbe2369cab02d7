package io.morgana.net.dhcp.client;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.wire.DhcpMessage;
import io.morgana.net.dhcp.wire.DhcpOptions;
import io.morgana.net.dhcp.wire.DhcpPacket;
import io.morgana.net.dhcp.wire.MessageType;
import io.morgana.net.tcpip.internal.ProtocolCounters;
import io.morgana.runtime.Pollable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * The DHCPv4 client of RFC 2131 §4.4 as a loop-confined state machine: it is given parsed
 * messages ({@link #receive}), the results of ARP probes ({@link #probeResult}) and the time
 * ({@link #poll}), and acts through its {@link Host}: sending messages, probing an address,
 * configuring and deconfiguring the interface. It owns no threads, timers or clocks.
 *
 * <ul>
 *   <li>INIT → SELECTING: the first DISCOVER goes out at once (no 1–10 s wait); DISCOVERs and
 *       REQUESTs are retransmitted after 4, 8, 16, 32, 64, 64… s, each randomised by ±1 s (RFC
 *       2131 §4.1). The first OFFER is taken.
 *   <li>REQUESTING: the REQUEST names the offered address and the server; after {@link
 *       Settings#requestRetries} unanswered retransmissions, or on a NAK, the client starts over.
 *   <li>CHECKING: an ACK for a new address is checked with an ARP probe (RFC 2131 §4.4.1, RFC
 *       5227); an address in use is DECLINEd and the client starts over ten seconds later.
 *   <li>BOUND → RENEWING at T1 (REQUEST unicast to the server) → REBINDING at T2 (broadcast);
 *       retransmissions at half the time left, at least {@link Settings#minRenewRetransmit} (RFC
 *       2131 §4.4.5); at expiry the interface is deconfigured and the client starts over at INIT.
 *   <li>INIT-REBOOT → REBOOTING with a remembered address: a REQUEST for it; a NAK or silence
 *       sends the client to INIT.
 * </ul>
 *
 * Replies are taken only with our transaction id and hardware address. Lease times count from
 * the sending of the REQUEST that the ACK answers. Loop thread only.
 */
public final class DhcpClient {

  /** What the client does to the world. */
  public interface Host {
    /** Sends {@code message} from port 68 to {@code destination}:67 (the limited broadcast or the server). */
    void send(DhcpMessage message, Ipv4Address destination, long now);

    /** Starts an ARP probe of {@code address}; the answer comes back through {@link #probeResult}. */
    void probe(Ipv4Address address, long now);

    /** Configures the interface with the lease's address and gateway. */
    void configure(DhcpLease lease, long now);

    /** Removes the interface address. */
    void deconfigure(long now);
  }

  /** Hears about lease changes: bound, renewed, lost. */
  @FunctionalInterface
  public interface Listener {
    /** The current lease, or empty when there is none any more. Loop thread. */
    void onLease(Optional<DhcpLease> lease);
  }

  /**
   * Tunables.
   *
   * @param hostName option 12 to send, if any
   * @param arpProbe whether to probe an acknowledged address before using it
   * @param firstRetransmit the first retransmission timeout (RFC 2131: 4 s)
   * @param maxRetransmit the largest (RFC 2131: 64 s)
   * @param requestRetries retransmissions of a REQUEST in REQUESTING or REBOOTING before starting over
   * @param declineWait the wait after a DECLINE (RFC 2131 §3.1.5: at least 10 s)
   * @param minRenewRetransmit the shortest retransmission time in RENEWING and REBINDING (RFC: 60 s)
   * @param probeTimeout how long the client waits for a probe's result before taking silence as "free"
   */
  public record Settings(
      Optional<String> hostName,
      boolean arpProbe,
      Duration firstRetransmit,
      Duration maxRetransmit,
      int requestRetries,
      Duration declineWait,
      Duration minRenewRetransmit,
      Duration probeTimeout) {

    public static final Settings DEFAULTS =
        new Settings(Optional.empty(), true, Duration.ofSeconds(4), Duration.ofSeconds(64), 4, Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofSeconds(10));

    public Settings withHostName(Optional<String> name) {
      return new Settings(name, arpProbe, firstRetransmit, maxRetransmit, requestRetries, declineWait, minRenewRetransmit, probeTimeout);
    }

    public Settings withArpProbe(boolean probe) {
      return new Settings(hostName, probe, firstRetransmit, maxRetransmit, requestRetries, declineWait, minRenewRetransmit, probeTimeout);
    }

    public Settings withMinRenewRetransmit(Duration d) {
      return new Settings(hostName, arpProbe, firstRetransmit, maxRetransmit, requestRetries, declineWait, d, probeTimeout);
    }
  }

  /** Options asked for in every DISCOVER and REQUEST. */
  static final int[] PARAMETERS = {
    DhcpOptions.SUBNET_MASK, DhcpOptions.CLASSLESS_ROUTES, DhcpOptions.ROUTER, DhcpOptions.DNS_SERVERS,
    DhcpOptions.DOMAIN_NAME, DhcpOptions.INTERFACE_MTU, DhcpOptions.LEASE_TIME, DhcpOptions.RENEWAL_TIME,
    DhcpOptions.REBINDING_TIME
  };

  private static final long SECOND = 1_000_000_000L;

  private final MacAddress mac;
  private final Settings settings;
  private final Host host;
  private final RandomGenerator random;
  private final byte[] clientId;
  private final ProtocolCounters<DhcpClientCounter> counters = new ProtocolCounters<>(DhcpClientCounter.class);
  private final List<Listener> listeners = new ArrayList<>();

  private DhcpClientState state = DhcpClientState.STOPPED;
  private int xid;
  private long exchangeStart;
  private long requestSentAt;
  private long interval;
  private int retransmits;
  private long deadline = Pollable.NO_DEADLINE;
  private DhcpMessage offer; // REQUESTING
  private DhcpLease checking; // CHECKING
  private DhcpLease lease; // BOUND, RENEWING, REBINDING
  private Ipv4Address remembered;

  public DhcpClient(MacAddress mac, Settings settings, Host host, RandomGenerator random) {
    this.mac = Objects.requireNonNull(mac);
    this.settings = Objects.requireNonNull(settings);
    this.host = Objects.requireNonNull(host);
    this.random = Objects.requireNonNull(random);
    this.clientId = new byte[7];
    clientId[0] = 1; // RFC 2132 §9.14: hardware type, then the address
    System.arraycopy(mac.toBytes(), 0, clientId, 1, 6);
  }

  // ------------------------------------------------------------------ api

  /** The client's counters. */
  public ProtocolCounters<DhcpClientCounter> counters() {
    return counters;
  }

  public DhcpClientState state() {
    return state;
  }

  /** The lease in use, if any. */
  public Optional<DhcpLease> lease() {
    return Optional.ofNullable(lease);
  }

  /** Adds a listener; it hears about later changes. */
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /**
   * Starts: INIT-REBOOT with {@code rememberedAddress} when given (RFC 2131 §3.2), otherwise INIT;
   * the first message goes out now.
   */
  public void start(Optional<Ipv4Address> rememberedAddress, long now) {
    if (state != DhcpClientState.STOPPED) {
      throw new IllegalStateException("already started: " + state);
    }
    remembered = rememberedAddress.orElse(null);
    if (remembered != null) {
      state = DhcpClientState.INIT_REBOOT;
      newExchange(now);
      state = DhcpClientState.REBOOTING;
      requestSentAt = now;
      sendRequest(now);
      arm(now, settings.firstRetransmit().toNanos());
    } else {
      discover(now);
    }
  }

  /**
   * Gives up the lease: RELEASE to the server (RFC 2131 §4.4.6), the interface deconfigured, the
   * client stopped.
   */
  public void release(long now) {
    if (lease != null) {
      xid = random.nextInt();
      host.send(message(MessageType.RELEASE, lease.address().address(), lease.server(), null, 0), lease.server(), now);
      counters.increment(DhcpClientCounter.TX_RELEASES);
      lose(now);
    }
    state = DhcpClientState.STOPPED;
    deadline = Pollable.NO_DEADLINE;
  }

  /** Takes a message that arrived on port 68. */
  public void receive(DhcpMessage m, long now) {
    if (m.op() != DhcpPacket.BOOTREPLY || m.xid() != xid || !m.clientMac().equals(mac)) {
      counters.increment(DhcpClientCounter.RX_IGNORED_NOT_OURS);
      return;
    }
    MessageType type = m.type();
    switch (state) {
      case SELECTING -> {
        if (type != MessageType.OFFER) {
          unexpected();
        } else if (!usable(m.yourAddress()) || m.serverId().isEmpty()) {
          counters.increment(DhcpClientCounter.RX_IGNORED_INVALID);
        } else {
          counters.increment(DhcpClientCounter.RX_OFFERS);
          offer = m;
          state = DhcpClientState.REQUESTING;
          requestSentAt = now;
          retransmits = 0;
          sendRequest(now);
          arm(now, settings.firstRetransmit().toNanos());
        }
      }
      case REQUESTING -> {
        if (!m.serverId().equals(offer.serverId()) && m.serverId().isPresent()) {
          unexpected();
        } else if (type == MessageType.ACK) {
          acknowledged(m, now);
        } else if (type == MessageType.NAK) {
          counters.increment(DhcpClientCounter.RX_NAKS);
          discover(now);
        } else {
          unexpected();
        }
      }
      case REBOOTING, RENEWING, REBINDING -> {
        if (type == MessageType.ACK) {
          acknowledged(m, now);
        } else if (type == MessageType.NAK) {
          counters.increment(DhcpClientCounter.RX_NAKS);
          remembered = null;
          lose(now);
          discover(now);
        } else {
          unexpected();
        }
      }
      default -> unexpected();
    }
  }

  /** The result of the ARP probe {@link Host#probe} started: {@code taken} if someone answered. */
  public void probeResult(Ipv4Address address, boolean taken, long now) {
    if (state != DhcpClientState.CHECKING || !checking.address().address().equals(address)) {
      return;
    }
    DhcpLease l = checking;
    checking = null;
    if (taken) {
      counters.increment(DhcpClientCounter.ADDRESS_CONFLICTS);
      host.send(message(MessageType.DECLINE, Ipv4Address.ANY, l.server(), l.address().address(), 0), Ipv4Address.BROADCAST, now);
      counters.increment(DhcpClientCounter.TX_DECLINES);
      remembered = null;
      state = DhcpClientState.INIT;
      deadline = now + settings.declineWait().toNanos();
    } else {
      bind(l, now);
    }
  }

  /** Runs what is due at {@code now}. */
  public boolean poll(long now) {
    if (now < deadline) {
      return false;
    }
    switch (state) {
      case INIT -> discover(now);
      case SELECTING -> {
        sendDiscover(now);
        backOff(now);
      }
      case REQUESTING, REBOOTING -> {
        if (retransmits >= settings.requestRetries()) {
          remembered = null;
          discover(now);
        } else {
          sendRequest(now);
          backOff(now);
        }
      }
      case CHECKING -> {
        // No answer from the probe in time: the address is taken to be free.
        DhcpLease l = checking;
        checking = null;
        bind(l, now);
      }
      case BOUND -> {
        state = DhcpClientState.RENEWING;
        newExchange(now);
        requestSentAt = now;
        sendRequest(now);
        deadline = renewDeadline(now, lease.rebindAtNanos());
      }
      case RENEWING -> {
        if (now >= lease.rebindAtNanos()) {
          state = DhcpClientState.REBINDING;
          newExchange(now);
          requestSentAt = now;
        }
        sendRequest(now);
        deadline = renewDeadline(now, state == DhcpClientState.RENEWING ? lease.rebindAtNanos() : lease.expiresAtNanos());
      }
      case REBINDING -> {
        if (now >= lease.expiresAtNanos()) {
          counters.increment(DhcpClientCounter.LEASES_EXPIRED);
          lose(now);
          discover(now);
        } else {
          sendRequest(now);
          deadline = renewDeadline(now, lease.expiresAtNanos());
        }
      }
      default -> deadline = Pollable.NO_DEADLINE;
    }
    return true;
  }

  /** When {@link #poll} next has work, or {@link Pollable#NO_DEADLINE}. */
  public long nextDeadlineNanos() {
    return deadline;
  }

  // ------------------------------------------------------------------ transitions

  private void discover(long now) {
    state = DhcpClientState.SELECTING;
    offer = null;
    checking = null;
    newExchange(now);
    sendDiscover(now);
    arm(now, settings.firstRetransmit().toNanos());
  }

  private void newExchange(long now) {
    xid = random.nextInt();
    exchangeStart = now;
    retransmits = 0;
  }

  private void arm(long now, long first) {
    interval = first;
    deadline = now + jitter(interval);
  }

  private void backOff(long now) {
    retransmits++;
    interval = Math.min(interval * 2, settings.maxRetransmit().toNanos());
    deadline = now + jitter(interval);
  }

  private long jitter(long base) {
    return Math.max(SECOND / 10, base + random.nextLong(-SECOND, SECOND + 1));
  }

  private long renewDeadline(long now, long until) {
    long half = (until - now) / 2;
    long wait = Math.max(half, settings.minRenewRetransmit().toNanos());
    return Math.min(until, now + wait);
  }

  private void acknowledged(DhcpMessage ack, long now) {
    DhcpOptions o = ack.options();
    Optional<Ipv4Address> server = ack.serverId().or(() -> Optional.ofNullable(lease).map(DhcpLease::server));
    if (!usable(ack.yourAddress()) || o.leaseTime().isEmpty() || server.isEmpty()) {
      counters.increment(DhcpClientCounter.RX_IGNORED_INVALID);
      return;
    }
    counters.increment(DhcpClientCounter.RX_ACKS);
    DhcpLease l = leaseFrom(ack, server.get());
    if (lease != null && lease.address().address().equals(l.address().address())) {
      counters.increment(DhcpClientCounter.LEASES_RENEWED);
      boolean changed = !lease.address().equals(l.address()) || !lease.gateway().equals(l.gateway());
      lease = l;
      state = DhcpClientState.BOUND;
      deadline = l.renewAtNanos();
      if (changed) {
        host.configure(l, now);
      }
      notifyListeners();
      return;
    }
    if (lease != null) {
      lose(now); // a different address than the one we held
    }
    if (settings.arpProbe()) {
      state = DhcpClientState.CHECKING;
      checking = l;
      deadline = now + settings.probeTimeout().toNanos();
      host.probe(l.address().address(), now);
    } else {
      bind(l, now);
    }
  }

  private DhcpLease leaseFrom(DhcpMessage ack, Ipv4Address server) {
    DhcpOptions o = ack.options();
    Ipv4Address a = ack.yourAddress();
    int prefix = o.prefixLength().orElse(classfulPrefix(a));
    Ipv4Cidr cidr = new Ipv4Cidr(a, prefix);
    Optional<Ipv4Address> gw = o.defaultGateway().filter(g -> cidr.contains(g) && !g.equals(a));
    long seconds = o.leaseTime().getAsLong();
    long renew;
    long rebind;
    long expires;
    if (seconds == DhcpLease.INFINITE) {
      renew = rebind = expires = Long.MAX_VALUE;
    } else {
      long t1 = o.renewalTime().orElse(seconds / 2);
      long t2 = o.rebindingTime().orElse(seconds * 7 / 8);
      if (t2 > seconds || t2 <= 0) {
        t2 = seconds * 7 / 8;
      }
      if (t1 > t2 || t1 <= 0) {
        t1 = Math.min(seconds / 2, t2);
      }
      renew = requestSentAt + t1 * SECOND;
      rebind = requestSentAt + t2 * SECOND;
      expires = requestSentAt + seconds * SECOND;
    }
    OptionalInt mtu = o.mtu();
    return new DhcpLease(cidr, gw, o.dnsServers(), o.domainName(), server, seconds, renew, rebind, expires, mtu, o.classlessRoutes());
  }

  private static int classfulPrefix(Ipv4Address a) {
    int first = a.toInt() >>> 24;
    return first < 128 ? 8 : first < 192 ? 16 : 24;
  }

  private void bind(DhcpLease l, long now) {
    lease = l;
    remembered = l.address().address();
    state = DhcpClientState.BOUND;
    deadline = l.renewAtNanos();
    counters.increment(DhcpClientCounter.LEASES_BOUND);
    host.configure(l, now);
    notifyListeners();
  }

  private void lose(long now) {
    if (lease != null) {
      lease = null;
      host.deconfigure(now);
      notifyListeners();
    }
  }

  private void notifyListeners() {
    Optional<DhcpLease> l = Optional.ofNullable(lease);
    for (Listener listener : List.copyOf(listeners)) {
      listener.onLease(l);
    }
  }

  private void unexpected() {
    counters.increment(DhcpClientCounter.RX_IGNORED_UNEXPECTED);
  }

  private static boolean usable(Ipv4Address a) {
    int bits = a.toInt();
    return bits != 0 && bits != -1 && !a.isMulticast() && !a.isLoopback() && (bits >>> 28) != 0xf;
  }

  // ------------------------------------------------------------------ messages

  private void sendDiscover(long now) {
    DhcpMessage m = message(MessageType.DISCOVER, Ipv4Address.ANY, null, remembered, secs(now));
    host.send(m, Ipv4Address.BROADCAST, now);
    counters.increment(DhcpClientCounter.TX_DISCOVERS);
  }

  private void sendRequest(long now) {
    DhcpMessage m;
    Ipv4Address destination = Ipv4Address.BROADCAST;
    switch (state) {
      case REQUESTING ->
          m = message(MessageType.REQUEST, Ipv4Address.ANY, offer.serverId().orElseThrow(), offer.yourAddress(), secs(now));
      case REBOOTING -> m = message(MessageType.REQUEST, Ipv4Address.ANY, null, remembered, secs(now));
      case RENEWING -> {
        m = message(MessageType.REQUEST, lease.address().address(), null, null, secs(now));
        destination = lease.server();
      }
      case REBINDING -> m = message(MessageType.REQUEST, lease.address().address(), null, null, secs(now));
      default -> throw new IllegalStateException("no REQUEST in " + state);
    }
    host.send(m, destination, now);
    counters.increment(DhcpClientCounter.TX_REQUESTS);
  }

  private int secs(long now) {
    return (int) Math.min(0xffff, Math.max(0, (now - exchangeStart) / SECOND));
  }

  private DhcpMessage message(MessageType type, Ipv4Address ciaddr, Ipv4Address serverId, Ipv4Address requested, int secs) {
    DhcpOptions.Builder o = DhcpOptions.builder().messageType(type).clientId(clientId);
    if (requested != null) {
      o.requestedAddress(requested);
    }
    if (serverId != null) {
      o.serverId(serverId);
    }
    if (type == MessageType.DISCOVER || type == MessageType.REQUEST) {
      o.parameterRequestList(PARAMETERS);
      settings.hostName().ifPresent(o::hostName);
    }
    return new DhcpMessage(DhcpPacket.BOOTREQUEST, 0, xid, secs, false, ciaddr, Ipv4Address.ANY, Ipv4Address.ANY,
        Ipv4Address.ANY, mac, o.build());
  }
}
