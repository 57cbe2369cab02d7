package io.morgana.net.dhcp;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.client.DhcpClient;
import io.morgana.net.dhcp.server.DhcpPool;
import io.morgana.net.dhcp.server.LeaseDatabase;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** DHCP clients and servers on stacks on an in-memory switch, on virtual time. */
final class DhcpNet implements AutoCloseable {

  static final Ipv4Cidr SERVER = Ipv4Cidr.parse("192.0.2.1/24");
  static final Ipv4Address FIRST = Ipv4Address.parse("192.0.2.100");
  static final Ipv4Address LAST = Ipv4Address.parse("192.0.2.200");

  final FakeClock clock = new FakeClock(1_000_000_000_000L);
  final DeterministicLoop loop = new DeterministicLoop(clock);
  final EthernetSwitch ethernetSwitch = new EthernetSwitch(loop);
  private final List<AutoCloseable> closing = new ArrayList<>();
  /** Wall clock for the lease database: follows the fake clock. */
  final Clock wall = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(1_800_000_000L).plusNanos(clock.nanoTime());
    }
  };

  static DhcpPool pool(Duration lease) {
    return DhcpPool.of(SERVER, FIRST, LAST).withRouter(Optional.of(SERVER.address()))
        .withDns(List.of(Ipv4Address.parse("192.0.2.53"))).withDomain(Optional.of("example.test")).withLeases(lease, lease);
  }

  TcpipStack stack(String cidr) {
    return stack(cidr, ethernetSwitch.newPort());
  }

  TcpipStack stack(String cidr, io.morgana.api.Netif port) {
    TcpipStack s = new TcpipStack(port, loop, cidr == null ? Ipv4Config.UNCONFIGURED : Ipv4Config.of(cidr, null));
    closing.add(port);
    closing.add(s);
    return s;
  }

  TcpipStack clientStack(MacAddress mac) {
    return stack(null, ethernetSwitch.newPort(mac, EthernetSwitch.DEFAULT_MTU));
  }

  StackDhcpServer server(TcpipStack stack, DhcpPool pool, LeaseDatabase db) throws IOException {
    StackDhcpServer s = new StackDhcpServer(stack, loop, pool, Optional.ofNullable(db), wall);
    s.start();
    closing.add(s);
    run();
    return s;
  }

  StackDhcpClient client(TcpipStack stack, Optional<Ipv4Address> remembered, long seed) {
    return client(stack, remembered, seed, DhcpClient.Settings.DEFAULTS);
  }

  StackDhcpClient client(TcpipStack stack, Optional<Ipv4Address> remembered, long seed, DhcpClient.Settings settings) {
    StackDhcpClient c = new StackDhcpClient(loop, settings, remembered, new SplittableRandom(seed), false);
    c.attach(stack);
    run();
    return c;
  }

  void run() {
    loop.runUntilIdle();
  }

  void advance(Duration d) {
    loop.advance(d);
  }

  /** Advances in one-second steps until {@code done} holds, at most {@code limit}. */
  void advanceUntil(Duration limit, java.util.function.BooleanSupplier done) {
    long end = clock.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (clock.nanoTime() >= end) {
        throw new AssertionError("condition not reached within " + limit);
      }
      loop.advance(Duration.ofSeconds(1));
    }
  }

  long now() {
    return loop.nowNanos();
  }

  @Override
  public void close() throws Exception {
    run();
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    ethernetSwitch.close();
    run();
  }
}
