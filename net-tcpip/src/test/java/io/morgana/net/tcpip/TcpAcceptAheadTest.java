package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.Harness.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code Tcp.Listener.accept}'s accept-ahead ({@code TcpService}, {@code TcpLayer.Listener}): a
 * connection whose handshake completed while no accept waited is taken by the next accept
 * without crossing to the loop, and taking it frees its place in the backlog (RFC 9293 §3.10.7.2's
 * queue of connections not yet accepted) at once. The test thread accepts: on a deterministic
 * loop only its blocking calls and {@link Harness#run()} turn the loop, so "without crossing"
 * shows as work left pending on the loop (a client's write-behind) still not done.
 */
class TcpAcceptAheadTest {

  private static final Endpoint SERVER = new Endpoint(ip("192.0.2.3"), 7);

  @Test
  void acceptTakesAnEstablishedConnectionWithoutCrossingToTheLoop() throws Exception {
    TcpSettings settings = TcpSettings.DEFAULTS.withSecret(5);
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", settings);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", settings);
      Tcp.Listener l = b.tcp().listen(7);
      List<Flow> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        clients.add(a.tcp().connect(SERVER, Duration.ofSeconds(5)));
      }
      h.run(); // every handshake completes on b with no accept waiting
      // Work for the loop that an accept crossing to it would get done: a write-behind.
      clients.get(0).write(Unpooled.wrappedBuffer(new byte[100]));
      long segments = b.tcpLayer().counters().get(TcpCounter.RX_SEGMENTS);

      List<Flow> accepted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        accepted.add(l.accept());
      }
      assertEquals(segments, b.tcpLayer().counters().get(TcpCounter.RX_SEGMENTS),
          "an accept of an established connection turned the loop");
      List<Integer> ports = new ArrayList<>();
      for (Flow f : accepted) {
        ports.add(f.remoteEndpoint().port());
      }
      List<Integer> expected = new ArrayList<>();
      for (Flow f : clients) {
        expected.add(f.localEndpoint().port());
      }
      assertEquals(expected, ports, "accepted in the order the handshakes completed");

      h.run();
      assertEquals(segments + 1, b.tcpLayer().counters().get(TcpCounter.RX_SEGMENTS));
      for (Flow f : clients) {
        f.close();
      }
      for (Flow f : accepted) {
        f.close();
      }
      l.close();
    }
  }

  @Test
  void anAcceptAheadFreesItsPlaceInTheBacklogAtOnce() throws Exception {
    TcpSettings settings = TcpSettings.DEFAULTS.withSecret(6).withLimits(100, 100, 2);
    try (Harness h = new Harness()) {
      TcpipStack a = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.2/24", settings);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", settings);
      Tcp.Listener l = b.tcp().listen(7);
      Flow first = a.tcp().connect(SERVER, Duration.ofSeconds(5));
      Flow second = a.tcp().connect(SERVER, Duration.ofSeconds(5));
      h.run();
      CompletableFuture<Flow> third = h.loop.offload(() -> a.tcp().connect(SERVER, Duration.ofSeconds(10)))
          .toCompletableFuture();
      h.run();
      assertEquals(1, b.tcpLayer().counters().get(TcpCounter.RX_DROP_LISTEN_OVERFLOW),
          "the third SYN found the backlog of 2 full");
      assertFalse(third.isDone());

      Flow accepted = l.accept(); // ahead: frees a place without the loop
      h.advance(Duration.ofSeconds(2)); // the SYN's retransmission now finds room
      assertTrue(third.isDone(), "the retransmitted SYN was refused again");
      Flow thirdFlow = third.join();
      assertEquals(1, b.tcpLayer().counters().get(TcpCounter.RX_DROP_LISTEN_OVERFLOW));
      Flow second2 = l.accept();
      Flow third2 = l.accept();
      assertEquals(first.localEndpoint().port(), accepted.remoteEndpoint().port());
      assertEquals(second.localEndpoint().port(), second2.remoteEndpoint().port());
      assertEquals(thirdFlow.localEndpoint().port(), third2.remoteEndpoint().port());
      for (Flow f : List.of(first, second, thirdFlow, accepted, second2, third2)) {
        f.close();
      }
      l.close();
    }
  }
}
