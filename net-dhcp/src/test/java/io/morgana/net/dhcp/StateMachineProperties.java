package io.morgana.net.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.client.DhcpClient;
import io.morgana.net.dhcp.client.DhcpClientState;
import io.morgana.net.dhcp.client.DhcpLease;
import io.morgana.net.dhcp.server.DhcpPool;
import io.morgana.net.dhcp.server.DhcpServer;
import io.morgana.net.dhcp.server.ServerLease;
import io.morgana.net.dhcp.wire.DhcpMessage;
import io.morgana.net.dhcp.wire.DhcpOptions;
import io.morgana.net.dhcp.wire.DhcpPacket;
import io.morgana.net.dhcp.wire.MessageType;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random and mutated DHCP messages never change the client's or the server's state in a way RFC
 * 2131 does not allow, and never raise outside the codec.
 */
class StateMachineProperties {

  static final MacAddress MAC = MacAddress.parse("02:00:5e:10:00:02");
  static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.1");
  static final long SECOND = 1_000_000_000L;

  /** Client transitions a received message may cause (RFC 2131 §4.4, Figure 5). */
  static final Map<DhcpClientState, Set<DhcpClientState>> ALLOWED = Map.of(
      DhcpClientState.SELECTING, EnumSet.of(DhcpClientState.SELECTING, DhcpClientState.REQUESTING),
      DhcpClientState.REQUESTING, EnumSet.of(DhcpClientState.REQUESTING, DhcpClientState.CHECKING, DhcpClientState.SELECTING),
      DhcpClientState.CHECKING, EnumSet.of(DhcpClientState.CHECKING),
      DhcpClientState.BOUND, EnumSet.of(DhcpClientState.BOUND),
      DhcpClientState.RENEWING, EnumSet.of(DhcpClientState.RENEWING, DhcpClientState.BOUND, DhcpClientState.CHECKING,
          DhcpClientState.SELECTING),
      DhcpClientState.REBINDING, EnumSet.of(DhcpClientState.REBINDING, DhcpClientState.BOUND, DhcpClientState.CHECKING,
          DhcpClientState.SELECTING));

  static final class ClientHost implements DhcpClient.Host {
    final List<DhcpMessage> sent = new ArrayList<>();
    final List<DhcpLease> configured = new ArrayList<>();
    int deconfigured;

    @Override
    public void send(DhcpMessage message, Ipv4Address destination, long now) {
      sent.add(message);
    }

    @Override
    public void probe(Ipv4Address address, long now) {}

    @Override
    public void configure(DhcpLease lease, long now) {
      configured.add(lease);
    }

    @Override
    public void deconfigure(long now) {
      deconfigured++;
    }
  }

  /** A client driven to {@code target} by a well-behaved server. */
  static DhcpClient clientIn(DhcpClientState target, ClientHost host, long[] now) {
    DhcpClient c = new DhcpClient(MAC, DhcpClient.Settings.DEFAULTS, host, new SplittableRandom(7));
    c.start(Optional.empty(), now[0]);
    if (target == DhcpClientState.SELECTING) {
      return c;
    }
    c.receive(reply(MessageType.OFFER, host.sent.getLast().xid(), Ipv4Address.parse("192.0.2.100"), 600), now[0]);
    if (target == DhcpClientState.REQUESTING) {
      return c;
    }
    c.receive(reply(MessageType.ACK, host.sent.getLast().xid(), Ipv4Address.parse("192.0.2.100"), 600), now[0]);
    if (target == DhcpClientState.CHECKING) {
      return c;
    }
    c.probeResult(Ipv4Address.parse("192.0.2.100"), false, now[0]);
    if (target == DhcpClientState.BOUND) {
      return c;
    }
    now[0] = c.lease().orElseThrow().renewAtNanos();
    c.poll(now[0]);
    if (target == DhcpClientState.RENEWING) {
      return c;
    }
    now[0] = c.lease().orElseThrow().rebindAtNanos();
    c.poll(now[0]);
    return c;
  }

  static DhcpMessage reply(MessageType type, int xid, Ipv4Address yiaddr, long lease) {
    DhcpOptions.Builder o = DhcpOptions.builder().messageType(type).serverId(SERVER);
    if (type != MessageType.NAK) {
      o.leaseTime(lease).subnetMask(Ipv4Address.parse("255.255.255.0"));
    }
    return new DhcpMessage(DhcpPacket.BOOTREPLY, 0, xid, 0, false, Ipv4Address.ANY, yiaddr, Ipv4Address.ANY, Ipv4Address.ANY,
        MAC, o.build());
  }

  @Provide
  Arbitrary<DhcpClientState> clientStates() {
    return Arbitraries.of(ALLOWED.keySet());
  }

  /** Bytes of a plausible reply (to the current xid, or not), then mutated. */
  static Optional<DhcpMessage> mutated(DhcpMessage base, List<Integer> flips, boolean truncate) {
    ByteBuf b = Unpooled.buffer();
    base.emit(b);
    int n = b.readableBytes();
    for (int f : flips) {
      int at = f % n;
      b.setByte(at, b.getByte(at) ^ (1 << (f % 8)));
    }
    if (truncate) {
      b.writerIndex(Math.max(0, n - 1 - flips.getFirst() % n));
    }
    try {
      return Optional.of(DhcpMessage.parse(b));
    } catch (MalformedPacketException e) {
      return Optional.empty();
    }
  }

  @Property(tries = 500)
  void client_mutatedReplies_onlyAllowedTransitions(
      @ForAll("clientStates") DhcpClientState state,
      @ForAll MessageType type,
      @ForAll boolean currentXid,
      @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 100_000) Integer> flips,
      @ForAll boolean truncate,
      @ForAll @IntRange(min = 0, max = 3) int yourAddress) {
    ClientHost host = new ClientHost();
    long[] now = {1_000 * SECOND};
    DhcpClient c = clientIn(state, host, now);
    assertEquals(state, c.state());
    Optional<DhcpLease> before = c.lease();
    int xid = host.sent.getLast().xid();
    Ipv4Address[] yi = {Ipv4Address.parse("192.0.2.100"), Ipv4Address.parse("192.0.2.101"), Ipv4Address.ANY, Ipv4Address.BROADCAST};
    DhcpMessage base = reply(type, currentXid ? xid : xid + 1, yi[yourAddress], 600);
    Optional<DhcpMessage> m = flips.isEmpty() && !truncate ? Optional.of(base) : mutated(base, flips.isEmpty() ? List.of(0) : flips, truncate);
    int configured = host.configured.size();
    if (m.isPresent()) {
      c.receive(m.get(), now[0]);
    }
    DhcpClientState after = c.state();
    assertTrue(ALLOWED.get(state).contains(after), state + " -> " + after + " on " + m);
    boolean ours = m.isPresent() && m.get().xid() == xid && m.get().clientMac().equals(MAC) && m.get().op() == DhcpPacket.BOOTREPLY;
    if (!ours) {
      assertEquals(state, after, "a reply not ours moved the client");
      assertEquals(before, c.lease());
    }
    // An address is configured only from a usable yiaddr of an ACK.
    for (DhcpLease l : host.configured.subList(configured, host.configured.size())) {
      int bits = l.address().address().toInt();
      assertTrue(bits != 0 && bits != -1, l.toString());
      assertEquals(MessageType.ACK, m.orElseThrow().type());
    }
    if (after == DhcpClientState.BOUND && state == DhcpClientState.BOUND) {
      assertEquals(before, c.lease());
    }
  }

  @Provide
  Arbitrary<DhcpMessage> requests() {
    Arbitrary<MacAddress> macs = Arbitraries.integers().between(1, 6).map(i -> MacAddress.of(0x0200_0000_0000L + i));
    Arbitrary<Ipv4Address> addresses = Arbitraries.of(
        Ipv4Address.parse("192.0.2.10"), Ipv4Address.parse("192.0.2.11"), Ipv4Address.parse("192.0.2.12"),
        Ipv4Address.parse("192.0.2.1"), Ipv4Address.parse("192.0.2.255"), Ipv4Address.parse("198.51.100.1"),
        Ipv4Address.ANY, Ipv4Address.parse("192.0.2.50"));
    return net.jqwik.api.Combinators.combine(
            Arbitraries.of(MessageType.class), macs, addresses, addresses, addresses.optional(), Arbitraries.of(true, false),
            Arbitraries.longs().between(0, 0xffff_ffffL).optional(), Arbitraries.of(0, 1))
        .as((t, mac, ciaddr, requested, serverId, withRequested, lease, relayed) -> {
          DhcpOptions.Builder o = DhcpOptions.builder().messageType(t);
          if (withRequested) {
            o.requestedAddress(requested);
          }
          serverId.ifPresent(o::serverId);
          lease.ifPresent(o::leaseTime);
          return new DhcpMessage(DhcpPacket.BOOTREQUEST, 0, 1, 0, false, ciaddr, Ipv4Address.ANY, Ipv4Address.ANY,
              relayed == 1 ? Ipv4Address.parse("192.0.2.254") : Ipv4Address.ANY, mac, o.build());
        });
  }

  @Property(tries = 300)
  void server_randomRequests_keepItsInvariants(
      @ForAll @Size(min = 1, max = 40) List<@net.jqwik.api.From("requests") DhcpMessage> messages,
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 120) Integer> seconds) {
    Ipv4Address reserved = Ipv4Address.parse("192.0.2.50");
    MacAddress owner = MacAddress.of(0x0200_0000_0006L);
    DhcpPool pool = DhcpPool.of(Ipv4Cidr.parse("192.0.2.1/24"), Ipv4Address.parse("192.0.2.10"), Ipv4Address.parse("192.0.2.12"))
        .withLeases(Duration.ofSeconds(30), Duration.ofSeconds(60)).withReservations(Map.of(owner, reserved));
    List<DhcpMessage> replies = new ArrayList<>();
    DhcpServer s = new DhcpServer(pool, new DhcpServer.Host() {
      @Override
      public void send(DhcpMessage reply, Ipv4Address destination, int port, long now) {
        replies.add(reply);
      }

      @Override
      public void persist(List<ServerLease> bound, Runnable then) {
        then.run();
      }
    }, List.of(), 0);
    long now = 0;
    for (int i = 0; i < messages.size(); i++) {
      now += (i < seconds.size() ? seconds.get(i) : 1) * SECOND;
      s.poll(now);
      s.receive(messages.get(i), now);
      Map<Ipv4Address, MacAddress> holders = new HashMap<>();
      for (ServerLease l : s.leases()) {
        assertTrue(pool.leasable(l.address()), "leased " + l);
        assertTrue(l.expiresAtNanos() > now - 1, "expired binding kept: " + l);
        assertTrue(holders.put(l.address(), l.mac()) == null, "address bound twice: " + l);
        if (l.address().equals(reserved)) {
          assertEquals(owner, l.mac());
        }
        if (l.mac().equals(owner)) {
          assertEquals(reserved, l.address());
        }
      }
      for (DhcpMessage r : replies) {
        assertEquals(DhcpPacket.BOOTREPLY, r.op());
        assertTrue(r.yourAddress().isAny() || pool.leasable(r.yourAddress()), "offered " + r.yourAddress());
      }
      replies.clear();
    }
  }
}
