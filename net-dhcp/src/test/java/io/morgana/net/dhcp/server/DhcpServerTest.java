package io.morgana.net.dhcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.wire.DhcpMessage;
import io.morgana.net.dhcp.wire.DhcpOptions;
import io.morgana.net.dhcp.wire.DhcpPacket;
import io.morgana.net.dhcp.wire.MessageType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The server state machine alone, one RFC 2131 §4.3 situation per test. */
class DhcpServerTest {

  static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.1");
  static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
  static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
  static final long SECOND = 1_000_000_000L;

  record Sent(DhcpMessage message, Ipv4Address destination, int port) {}

  static final class Recorder implements DhcpServer.Host {
    final List<Sent> sent = new ArrayList<>();
    final List<List<ServerLease>> persisted = new ArrayList<>();
    boolean hold; // persist never completes: ACKs are withheld
    final List<Runnable> held = new ArrayList<>();

    @Override
    public void send(DhcpMessage reply, Ipv4Address destination, int port, long now) {
      sent.add(new Sent(reply, destination, port));
    }

    @Override
    public void persist(List<ServerLease> bound, Runnable then) {
      persisted.add(bound);
      if (hold) {
        held.add(then);
      } else {
        then.run();
      }
    }

    Sent last() {
      return sent.getLast();
    }
  }

  final Recorder host = new Recorder();
  long now = 1_000 * SECOND;

  DhcpPool pool() {
    return DhcpPool.of(Ipv4Cidr.parse("192.0.2.1/24"), Ipv4Address.parse("192.0.2.10"), Ipv4Address.parse("192.0.2.12"))
        .withLeases(Duration.ofSeconds(100), Duration.ofSeconds(1000));
  }

  static DhcpMessage msg(MessageType t, MacAddress mac, int xid, Ipv4Address ciaddr, Ipv4Address giaddr, DhcpOptions.Builder o) {
    return new DhcpMessage(DhcpPacket.BOOTREQUEST, 0, xid, 0, false, ciaddr, Ipv4Address.ANY, Ipv4Address.ANY, giaddr, mac,
        o.messageType(t).build());
  }

  static DhcpMessage discover(MacAddress mac) {
    return msg(MessageType.DISCOVER, mac, 1, Ipv4Address.ANY, Ipv4Address.ANY, DhcpOptions.builder());
  }

  static DhcpMessage select(MacAddress mac, Ipv4Address a, Ipv4Address server) {
    return msg(MessageType.REQUEST, mac, 1, Ipv4Address.ANY, Ipv4Address.ANY,
        DhcpOptions.builder().requestedAddress(a).serverId(server));
  }

  Ipv4Address lease(DhcpServer s, MacAddress mac) {
    s.receive(discover(mac), now);
    Ipv4Address offered = host.last().message().yourAddress();
    s.receive(select(mac, offered, SERVER), now);
    assertEquals(MessageType.ACK, host.last().message().type());
    return offered;
  }

  @Test
  void discover_offersLowestFree_withOptions_broadcast() {
    DhcpServer s = new DhcpServer(pool().withRouter(Optional.of(SERVER)).withDns(List.of(Ipv4Address.parse("192.0.2.53"))),
        host, List.of(), now);
    s.receive(discover(A), now);
    Sent offer = host.last();
    assertEquals(MessageType.OFFER, offer.message().type());
    assertEquals(Ipv4Address.parse("192.0.2.10"), offer.message().yourAddress());
    assertEquals(Ipv4Address.BROADCAST, offer.destination());
    assertEquals(68, offer.port());
    DhcpOptions o = offer.message().options();
    assertEquals(SERVER, o.serverId().orElseThrow());
    assertEquals(100, o.leaseTime().getAsLong());
    assertEquals(50, o.renewalTime().getAsLong());
    assertEquals(87, o.rebindingTime().getAsLong());
    assertEquals(24, o.prefixLength().getAsInt());
    assertEquals(List.of(SERVER), o.routers());
    assertEquals(List.of(Ipv4Address.parse("192.0.2.53")), o.dnsServers());
    assertTrue(host.persisted.isEmpty(), "an offer is not persisted");
  }

  @Test
  void discover_requestedAddressFree_offered_andLeaseTimeCappedAtMaximum() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    s.receive(msg(MessageType.DISCOVER, A, 1, Ipv4Address.ANY, Ipv4Address.ANY,
        DhcpOptions.builder().requestedAddress(Ipv4Address.parse("192.0.2.12")).leaseTime(99_999)), now);
    assertEquals(Ipv4Address.parse("192.0.2.12"), host.last().message().yourAddress());
    assertEquals(1000, host.last().message().options().leaseTime().getAsLong());
  }

  @Test
  void reservation_byMac_isOffered_andNeverGivenToAnother() {
    Ipv4Address reserved = Ipv4Address.parse("192.0.2.77");
    DhcpServer s = new DhcpServer(pool().withReservations(Map.of(B, reserved)), host, List.of(), now);
    assertEquals(reserved, lease(s, B));
    s.receive(msg(MessageType.REQUEST, A, 2, Ipv4Address.ANY, Ipv4Address.ANY, DhcpOptions.builder().requestedAddress(reserved)), now);
    assertEquals(MessageType.NAK, host.last().message().type());
  }

  @Test
  void selecting_ack_persistedBeforeItIsSent() {
    host.hold = true;
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    s.receive(discover(A), now);
    int before = host.sent.size();
    s.receive(select(A, Ipv4Address.parse("192.0.2.10"), SERVER), now);
    assertEquals(before, host.sent.size(), "no ACK before the database is durable");
    assertEquals(List.of(new ServerLease(A, Ipv4Address.parse("192.0.2.10"), now + 100 * SECOND)), host.persisted.getLast());
    host.held.forEach(Runnable::run);
    assertEquals(MessageType.ACK, host.last().message().type());
  }

  @Test
  void selecting_anotherServerChosen_offerFreed() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    s.receive(discover(A), now);
    s.receive(select(A, Ipv4Address.parse("192.0.2.10"), Ipv4Address.parse("192.0.2.2")), now);
    assertEquals(MessageType.OFFER, host.last().message().type());
    s.receive(discover(B), now);
    assertEquals(Ipv4Address.parse("192.0.2.10"), host.last().message().yourAddress());
  }

  @Test
  void initReboot_knownClient_acked_wrongNetwork_naked() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    Ipv4Address a = lease(s, A);
    s.receive(msg(MessageType.REQUEST, A, 3, Ipv4Address.ANY, Ipv4Address.ANY, DhcpOptions.builder().requestedAddress(a)), now);
    assertEquals(MessageType.ACK, host.last().message().type());
    assertEquals(a, host.last().message().yourAddress());
    s.receive(msg(MessageType.REQUEST, A, 4, Ipv4Address.ANY, Ipv4Address.ANY,
        DhcpOptions.builder().requestedAddress(Ipv4Address.parse("198.51.100.1"))), now);
    assertEquals(MessageType.NAK, host.last().message().type());
    assertEquals(Ipv4Address.BROADCAST, host.last().destination());
    // RFC 2131 §4.3.2: INIT-REBOOT from a client the server has no record of: silence.
    int sent = host.sent.size();
    s.receive(msg(MessageType.REQUEST, B, 5, Ipv4Address.ANY, Ipv4Address.ANY,
        DhcpOptions.builder().requestedAddress(Ipv4Address.parse("192.0.2.12"))), now);
    assertEquals(sent, host.sent.size());
  }

  @Test
  void renewing_unicastAck_extends_otherClientsAddress_naked() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    Ipv4Address a = lease(s, A);
    now += 50 * SECOND;
    s.receive(msg(MessageType.REQUEST, A, 5, a, Ipv4Address.ANY, DhcpOptions.builder()), now);
    Sent ack = host.last();
    assertEquals(MessageType.ACK, ack.message().type());
    assertEquals(a, ack.destination());
    assertEquals(now + 100 * SECOND, s.leaseOf(A).orElseThrow().expiresAtNanos());
    s.receive(msg(MessageType.REQUEST, B, 6, a, Ipv4Address.ANY, DhcpOptions.builder()), now);
    assertEquals(MessageType.NAK, host.last().message().type());
  }

  @Test
  void decline_addressUnusableUntilItExpires() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    Ipv4Address a = lease(s, A);
    s.receive(msg(MessageType.DECLINE, A, 7, Ipv4Address.ANY, Ipv4Address.ANY,
        DhcpOptions.builder().requestedAddress(a).serverId(SERVER)), now);
    s.receive(discover(B), now);
    assertEquals(Ipv4Address.parse("192.0.2.11"), host.last().message().yourAddress());
    now += 101 * SECOND;
    s.poll(now);
    s.receive(discover(MacAddress.parse("02:00:00:00:00:0c")), now);
    assertEquals(a, host.last().message().yourAddress());
  }

  @Test
  void release_freesTheAddress_andTheClientGetsItBack() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    lease(s, A);
    Ipv4Address b = lease(s, B);
    s.receive(msg(MessageType.RELEASE, B, 8, b, Ipv4Address.ANY, DhcpOptions.builder().serverId(SERVER)), now);
    assertTrue(s.leaseOf(B).isEmpty());
    assertEquals(List.of(Ipv4Address.parse("192.0.2.10")), host.persisted.getLast().stream().map(ServerLease::address).toList());
    assertEquals(b, lease(s, B));
  }

  @Test
  void inform_ackWithoutLease_unicastToCiaddr() {
    DhcpServer s = new DhcpServer(pool().withDomain(Optional.of("example.test")), host, List.of(), now);
    Ipv4Address c = Ipv4Address.parse("192.0.2.250");
    s.receive(msg(MessageType.INFORM, A, 9, c, Ipv4Address.ANY, DhcpOptions.builder()), now);
    Sent ack = host.last();
    assertEquals(MessageType.ACK, ack.message().type());
    assertEquals(c, ack.destination());
    assertEquals(Ipv4Address.ANY, ack.message().yourAddress());
    assertTrue(ack.message().options().leaseTime().isEmpty());
    assertEquals("example.test", ack.message().options().domainName().orElseThrow());
    assertTrue(s.leases().isEmpty());
  }

  @Test
  void relay_repliesToGiaddrPort67_unknownRelayIgnored() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    Ipv4Address relay = Ipv4Address.parse("192.0.2.254");
    s.receive(msg(MessageType.DISCOVER, A, 10, Ipv4Address.ANY, relay, DhcpOptions.builder()), now);
    assertEquals(relay, host.last().destination());
    assertEquals(67, host.last().port());
    assertEquals(relay, host.last().message().relayAddress());
    int sent = host.sent.size();
    s.receive(msg(MessageType.DISCOVER, B, 11, Ipv4Address.ANY, Ipv4Address.parse("203.0.113.1"), DhcpOptions.builder()), now);
    assertEquals(sent, host.sent.size());
    assertEquals(1, s.counters().get(DhcpServerCounter.RX_IGNORED));
  }

  @Test
  void poolExhausted_discoverUnanswered_offersExpireAfterTheirHold() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    for (int i = 1; i <= 3; i++) {
      s.receive(discover(MacAddress.of(0x0200_0000_0100L + i)), now);
    }
    int sent = host.sent.size();
    s.receive(discover(A), now);
    assertEquals(sent, host.sent.size());
    assertEquals(1, s.counters().get(DhcpServerCounter.POOL_EXHAUSTED));
    now += DhcpServer.OFFER_HOLD.toNanos();
    assertTrue(s.nextDeadlineNanos() <= now);
    s.poll(now);
    s.receive(discover(A), now);
    assertEquals(MessageType.OFFER, host.last().message().type());
  }

  @Test
  void expiry_collectsBindings_andPersists() {
    DhcpServer s = new DhcpServer(pool(), host, List.of(), now);
    lease(s, A);
    int writes = host.persisted.size();
    now += 100 * SECOND;
    s.poll(now);
    assertTrue(s.leases().isEmpty());
    assertEquals(writes + 1, host.persisted.size());
    assertEquals(1, s.counters().get(DhcpServerCounter.LEASES_EXPIRED));
  }

  @Test
  void restoredLeases_keptForTheirClients() {
    Ipv4Address a = Ipv4Address.parse("192.0.2.11");
    DhcpServer s = new DhcpServer(pool(), host, List.of(new ServerLease(A, a, now + 10 * SECOND),
        new ServerLease(B, Ipv4Address.parse("192.0.2.12"), now - 1)), now);
    assertEquals(1, s.leases().size());
    s.receive(discover(A), now);
    assertEquals(a, host.last().message().yourAddress());
    // A restored binding expires on time like any other.
    assertEquals(now + 10 * SECOND, s.nextDeadlineNanos());
    s.poll(now + 10 * SECOND);
    assertTrue(s.leases().isEmpty());
  }
}
