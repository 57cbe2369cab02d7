package io.morgana.net.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.client.DhcpClientCounter;
import io.morgana.net.dhcp.client.DhcpClientState;
import io.morgana.net.dhcp.client.DhcpLease;
import io.morgana.net.dhcp.server.DhcpPool;
import io.morgana.net.dhcp.server.DhcpServerCounter;
import io.morgana.net.dhcp.server.LeaseDatabase;
import io.morgana.net.tcpip.TcpipStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Morgana's client against Morgana's server over the in-memory switch on virtual time, through a
 * whole lease life (issue 12): bind, renew at T1, rebind at T2 when the server is gone, expire and
 * start over; NAK; DECLINE after an ARP probe finds the address taken; RELEASE; the lease database
 * across a server restart.
 */
class DhcpLeaseLifeTest {

  static final MacAddress CLIENT_MAC = MacAddress.parse("02:00:5e:10:00:63");
  static final Duration LEASE = Duration.ofSeconds(600);

  private final DhcpNet net = new DhcpNet();

  @AfterEach
  void close() throws Exception {
    net.close();
  }

  private DhcpLease bound(StackDhcpClient c) {
    net.advanceUntil(Duration.ofSeconds(30), () -> c.client().state() == DhcpClientState.BOUND);
    return c.lease().orElseThrow();
  }

  @Test
  void bind_firstDiscoverAtOnce_leaseConfiguresTheStack() throws Exception {
    TcpipStack serverStack = net.stack("192.0.2.1/24");
    StackDhcpServer server = net.server(serverStack, DhcpNet.pool(LEASE), null);
    TcpipStack clientStack = net.clientStack(CLIENT_MAC);
    long started = net.now();
    StackDhcpClient c = net.client(clientStack, Optional.empty(), 1);
    // The DISCOVER went out at once and the REQUEST/ACK followed without any wait: only the ARP
    // probe (three requests a second apart) is left.
    assertEquals(DhcpClientState.CHECKING, c.client().state());
    assertEquals(1, server.server().counters().get(DhcpServerCounter.TX_ACKS));
    DhcpLease lease = bound(c);
    assertTrue(net.now() - started <= Duration.ofSeconds(4).toNanos());
    assertEquals(Ipv4Cidr.parse("192.0.2.100/24"), lease.address());
    assertEquals(Optional.of(Ipv4Address.parse("192.0.2.1")), lease.gateway());
    assertEquals(List.of(Ipv4Address.parse("192.0.2.53")), lease.dnsServers());
    assertEquals(Optional.of("example.test"), lease.domainName());
    assertEquals(Optional.of(Ipv4Cidr.parse("192.0.2.100/24")), clientStack.ip().address());
    assertEquals(Optional.of(Ipv4Address.parse("192.0.2.1")), clientStack.ip().gateway());
    assertEquals(started + LEASE.toNanos(), lease.expiresAtNanos());
    assertEquals(started + LEASE.toNanos() / 2, lease.renewAtNanos());
    assertEquals(Ipv4Address.parse("192.0.2.100"), server.server().leaseOf(CLIENT_MAC).orElseThrow().address());
  }

  @Test
  void renewAtT1_unicastToTheServer_extendsTheLease() throws Exception {
    StackDhcpServer server = net.server(net.stack("192.0.2.1/24"), DhcpNet.pool(LEASE), null);
    StackDhcpClient c = net.client(net.clientStack(CLIENT_MAC), Optional.empty(), 2);
    DhcpLease first = bound(c);
    List<Optional<DhcpLease>> heard = new ArrayList<>();
    c.addListener(heard::add);
    net.run();
    net.loop.advanceTo(first.renewAtNanos() - 1);
    assertEquals(DhcpClientState.BOUND, c.client().state());
    long requests = server.server().counters().get(DhcpServerCounter.RX_REQUESTS);
    net.loop.advanceTo(first.renewAtNanos());
    net.run();
    assertEquals(requests + 1, server.server().counters().get(DhcpServerCounter.RX_REQUESTS));
    DhcpLease renewed = c.lease().orElseThrow();
    assertEquals(DhcpClientState.BOUND, c.client().state());
    assertEquals(first.address(), renewed.address());
    assertEquals(first.renewAtNanos() + LEASE.toNanos(), renewed.expiresAtNanos());
    assertEquals(1, c.client().counters().get(DhcpClientCounter.LEASES_RENEWED));
    assertEquals(List.of(Optional.of(renewed)), heard);
  }

  @Test
  void rebindAtT2_whenTheServerIsGone_anotherServerAcks() throws Exception {
    TcpipStack serverStack = net.stack("192.0.2.1/24");
    net.server(serverStack, DhcpNet.pool(LEASE), null);
    TcpipStack clientStack = net.clientStack(CLIENT_MAC);
    StackDhcpClient c = net.client(clientStack, Optional.empty(), 3);
    DhcpLease first = bound(c);
    serverStack.udp().unlisten(67); // the server is gone
    net.loop.advanceTo(first.renewAtNanos());
    assertEquals(DhcpClientState.RENEWING, c.client().state());
    net.loop.advanceTo(first.rebindAtNanos());
    assertEquals(DhcpClientState.REBINDING, c.client().state());
    assertEquals(first.address(), clientStack.ip().address().orElseThrow());
    // A second server on the network, with no record of the client, takes the rebinding REQUEST.
    DhcpPool other = DhcpNet.pool(LEASE).withRouter(Optional.empty());
    other = new DhcpPool(Ipv4Address.parse("192.0.2.3"), other.network(), other.first(), other.last(), Optional.empty(),
        other.dnsServers(), other.domainName(), LEASE, LEASE, Map.of());
    StackDhcpServer second = net.server(net.stack("192.0.2.3/24"), other, null);
    net.advanceUntil(Duration.ofSeconds(120), () -> c.client().state() == DhcpClientState.BOUND);
    assertEquals(first.address(), c.lease().orElseThrow().address());
    assertEquals(Ipv4Address.parse("192.0.2.3"), c.lease().orElseThrow().server());
    assertTrue(second.server().leaseOf(CLIENT_MAC).isPresent());
  }

  @Test
  void expiry_deconfiguresTheStack_andStartsOver() throws Exception {
    TcpipStack serverStack = net.stack("192.0.2.1/24");
    StackDhcpServer server = net.server(serverStack, DhcpNet.pool(LEASE), null);
    TcpipStack clientStack = net.clientStack(CLIENT_MAC);
    StackDhcpClient c = net.client(clientStack, Optional.empty(), 4);
    DhcpLease first = bound(c);
    List<Optional<DhcpLease>> heard = new ArrayList<>();
    c.addListener(heard::add);
    serverStack.udp().unlisten(67);
    net.loop.advanceTo(first.expiresAtNanos() - 1);
    assertEquals(DhcpClientState.REBINDING, c.client().state());
    assertTrue(clientStack.ip().address().isPresent());
    net.loop.advanceTo(first.expiresAtNanos());
    net.run();
    assertEquals(DhcpClientState.SELECTING, c.client().state());
    assertTrue(clientStack.ip().address().isEmpty());
    assertTrue(clientStack.arp().addresses().isEmpty());
    assertEquals(List.of(Optional.<DhcpLease>empty()), heard);
    assertEquals(1, c.client().counters().get(DhcpClientCounter.LEASES_EXPIRED));
    // The server collected the binding at the same moment; back, it leases again.
    server.server().poll(net.now());
    assertTrue(server.server().leaseOf(CLIENT_MAC).isEmpty());
    serverStack.udp().unlisten(67);
    server.close();
    StackDhcpServer again = net.server(serverStack, DhcpNet.pool(LEASE), null);
    net.advanceUntil(Duration.ofSeconds(120), () -> c.client().state() == DhcpClientState.BOUND);
    assertTrue(clientStack.ip().address().isPresent());
    assertTrue(again.server().leaseOf(CLIENT_MAC).isPresent());
  }

  @Test
  void nak_inRenewing_loseTheAddress_andBindAnother() throws Exception {
    TcpipStack serverStack = net.stack("192.0.2.1/24");
    StackDhcpServer server = net.server(serverStack, DhcpNet.pool(LEASE), null);
    TcpipStack clientStack = net.clientStack(CLIENT_MAC);
    StackDhcpClient c = net.client(clientStack, Optional.empty(), 5);
    DhcpLease first = bound(c);
    // The server is replaced by one that reserves the client's address for another host.
    serverStack.udp().unlisten(67);
    server.close();
    StackDhcpServer strict = net.server(serverStack,
        DhcpNet.pool(LEASE).withReservations(Map.of(MacAddress.parse("02:00:5e:10:00:99"), first.address().address())), null);
    net.loop.advanceTo(first.renewAtNanos());
    net.run();
    assertEquals(1, strict.server().counters().get(DhcpServerCounter.TX_NAKS));
    assertEquals(1, c.client().counters().get(DhcpClientCounter.RX_NAKS));
    DhcpLease second = bound(c);
    assertNotEquals(first.address(), second.address());
    assertEquals(second.address(), clientStack.ip().address().orElseThrow());
  }

  @Test
  void nak_initRebootOnTheWrongNetwork_thenDiscover() throws Exception {
    StackDhcpServer server = net.server(net.stack("192.0.2.1/24"), DhcpNet.pool(LEASE), null);
    StackDhcpClient c = net.client(net.clientStack(CLIENT_MAC), Optional.of(Ipv4Address.parse("198.51.100.7")), 6);
    assertEquals(1, server.server().counters().get(DhcpServerCounter.TX_NAKS));
    DhcpLease lease = bound(c);
    assertEquals(Ipv4Address.parse("192.0.2.100"), lease.address().address());
  }

  @Test
  void initReboot_rememberedAddress_ackedWithoutDiscover() throws Exception {
    StackDhcpServer server = net.server(net.stack("192.0.2.1/24"), DhcpNet.pool(LEASE), null);
    TcpipStack first = net.clientStack(CLIENT_MAC);
    StackDhcpClient before = net.client(first, Optional.empty(), 7);
    Ipv4Address held = bound(before).address().address();
    // The client "reboots": a new client on a new stack with the same MAC, remembering the address.
    before.close(); // the old kernel stops without a RELEASE, its stack and port go away
    first.close();
    first.netif().close();
    net.run();
    long discovers = server.server().counters().get(DhcpServerCounter.RX_DISCOVERS);
    StackDhcpClient c = net.client(net.clientStack(CLIENT_MAC), Optional.of(held), 12);
    DhcpLease lease = bound(c);
    assertEquals(held, lease.address().address());
    assertEquals(discovers, server.server().counters().get(DhcpServerCounter.RX_DISCOVERS));
  }

  @Test
  void initReboot_serverWithoutRecord_staysSilent_clientFallsBackToDiscover() throws Exception {
    StackDhcpServer server = net.server(net.stack("192.0.2.1/24"), DhcpNet.pool(LEASE), null);
    StackDhcpClient c = net.client(net.clientStack(CLIENT_MAC), Optional.of(Ipv4Address.parse("192.0.2.150")), 13);
    assertEquals(DhcpClientState.REBOOTING, c.client().state());
    assertEquals(0, server.server().counters().get(DhcpServerCounter.TX_ACKS) + server.server().counters().get(DhcpServerCounter.TX_NAKS));
    net.advanceUntil(Duration.ofSeconds(200), () -> c.client().state() == DhcpClientState.BOUND);
    assertEquals(Ipv4Address.parse("192.0.2.100"), c.lease().orElseThrow().address().address());
    assertEquals(0, server.server().counters().get(DhcpServerCounter.TX_NAKS));
  }

  @Test
  void decline_whenTheArpProbeFindsTheAddressTaken_nextOfferIsAnother() throws Exception {
    StackDhcpServer server = net.server(net.stack("192.0.2.1/24"), DhcpNet.pool(LEASE), null);
    net.stack("192.0.2.100/24"); // a host squatting on the first address of the pool
    net.run();
    TcpipStack clientStack = net.clientStack(CLIENT_MAC);
    StackDhcpClient c = net.client(clientStack, Optional.empty(), 8);
    DhcpLease lease = bound(c);
    assertEquals(1, c.client().counters().get(DhcpClientCounter.TX_DECLINES));
    assertEquals(1, server.server().counters().get(DhcpServerCounter.RX_DECLINES));
    assertEquals(Ipv4Address.parse("192.0.2.101"), lease.address().address());
    assertEquals(Ipv4Address.parse("192.0.2.101"), clientStack.ip().address().orElseThrow().address());
  }

  @Test
  void release_freesTheServersBinding_andDeconfigures() throws Exception {
    StackDhcpServer server = net.server(net.stack("192.0.2.1/24"), DhcpNet.pool(LEASE), null);
    TcpipStack clientStack = net.clientStack(CLIENT_MAC);
    StackDhcpClient c = net.client(clientStack, Optional.empty(), 9);
    bound(c);
    c.client().release(net.now());
    net.run();
    assertEquals(DhcpClientState.STOPPED, c.client().state());
    assertTrue(clientStack.ip().address().isEmpty());
    assertEquals(1, server.server().counters().get(DhcpServerCounter.RX_RELEASES));
    assertTrue(server.server().leaseOf(CLIENT_MAC).isEmpty());
  }

  @Test
  void leaseDatabase_survivesAServerRestart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("leases");
    TcpipStack serverStack = net.stack("192.0.2.1/24");
    StackDhcpServer server = net.server(serverStack, DhcpNet.pool(LEASE), new LeaseDatabase(file));
    StackDhcpClient c = net.client(net.clientStack(MacAddress.parse("02:00:5e:10:00:50")), Optional.empty(), 10);
    bound(c);
    StackDhcpClient c2 = net.client(net.clientStack(CLIENT_MAC), Optional.empty(), 11);
    DhcpLease lease = bound(c2);
    assertEquals(Ipv4Address.parse("192.0.2.101"), lease.address().address());
    String text = Files.readString(file);
    assertTrue(text.contains("02:00:5e:10:00:63 192.0.2.101 "), text);
    assertFalse(Files.exists(dir.resolve("leases.tmp")));
    // Restart: a new server reads the file, and still holds .101 for the client.
    serverStack.udp().unlisten(67);
    server.close();
    StackDhcpServer restarted = net.server(serverStack, DhcpNet.pool(LEASE), new LeaseDatabase(file));
    assertEquals(2, restarted.server().leases().size());
    assertEquals(lease.address().address(), restarted.server().leaseOf(CLIENT_MAC).orElseThrow().address());
    long left = restarted.server().leaseOf(CLIENT_MAC).orElseThrow().expiresAtNanos() - lease.expiresAtNanos();
    assertTrue(Math.abs(left) <= Duration.ofSeconds(1).toNanos(), "expiry moved by " + left + " ns");
  }
}
