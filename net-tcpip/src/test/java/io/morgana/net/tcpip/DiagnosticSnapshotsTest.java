package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.Harness.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.arp.ArpEntry;
import io.morgana.net.tcpip.tcp.TcpConnectionInfo;
import io.morgana.net.tcpip.tcp.TcpState;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read-only snapshots management reads: {@link io.morgana.net.tcpip.tcp.TcpLayer#connections()},
 * {@link io.morgana.net.tcpip.tcp.TcpLayer#listeningPorts()} and {@link
 * io.morgana.net.tcpip.arp.ArpLayer#entries(long)}.
 */
class DiagnosticSnapshotsTest {

  @Test
  void connectionSnapshotShowsBothEndsStateQueuesAndRtt() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", TcpTwoStacksTest.SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", TcpTwoStacksTest.SETTINGS);
      Tcp.Listener l = b.tcp().listen(7);
      assertEquals(List.of(7), b.tcpLayer().listeningPorts());
      assertEquals(List.of(), b.tcpLayer().connections());
      Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 7), Duration.ofSeconds(5));
      f.write(Unpooled.wrappedBuffer(new byte[1000]));
      h.advance(Duration.ofMillis(100)); // past the peer's delayed ACK

      List<TcpConnectionInfo> server = b.tcpLayer().connections();
      assertEquals(1, server.size());
      TcpConnectionInfo s = server.get(0);
      assertEquals(TcpState.ESTABLISHED, s.state());
      assertEquals(new Endpoint(ip("192.0.2.3"), 7), s.local());
      assertEquals(f.localEndpoint(), s.remote());
      assertEquals(1000, s.receiveQueued(), "not accepted, so nothing read");

      TcpConnectionInfo c = a.tcpLayer().connections().get(0);
      assertEquals(TcpState.ESTABLISHED, c.state());
      assertEquals(0, c.sendQueued(), "everything acknowledged");
      assertTrue(c.smoothedRttNanos() >= 0, "an RTT was measured on the handshake or the data");
      assertTrue(c.rtoNanos() > 0);
      assertTrue(c.sendMss() > 0);

      f.abort();
      l.close();
      h.run();
      assertEquals(List.of(), b.tcpLayer().listeningPorts());
    }
  }

  @Test
  void arpSnapshotShowsResolvedEntriesWithTheirLifetime() throws Exception {
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", TcpTwoStacksTest.SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", TcpTwoStacksTest.SETTINGS);
      a.arp().query(ip("192.0.2.3"));
      a.arp().query(ip("192.0.2.9")); // nobody answers
      h.run();
      List<ArpEntry> entries = a.arp().entries(h.loop.nowNanos());
      assertEquals(List.of(ip("192.0.2.3"), ip("192.0.2.9")), entries.stream().map(ArpEntry::address).toList());
      assertEquals(b.netif().mac(), entries.get(0).mac().orElseThrow());
      assertTrue(entries.get(0).expiresInNanos() > 0);
      assertTrue(entries.get(1).mac().isEmpty());
      assertEquals(0, entries.get(1).expiresInNanos());
    }
  }
}
