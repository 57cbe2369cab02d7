package io.morgana.net.tcpip;

import io.morgana.net.tcpip.ethernet.EthernetCounter;
import static io.morgana.net.tcpip.Harness.ip;
import static io.morgana.net.tcpip.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.FaultInjectingNetif;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.Property;

/**
 * Two stacks through a lossy link (the testkit's fault injector: drop, duplicate, reorder,
 * corrupt, truncate): every datagram that arrives is exactly one that was sent, and the others
 * were dropped whole — nothing half-reassembled, nothing left in progress, no buffer leaked.
 */
class FaultInjectionProperties {

  private static final AtomicLong delivered = new AtomicLong();
  private static final AtomicLong lost = new AtomicLong();

  /** The property is not vacuous: across the seeds some datagrams arrived and some were lost. */
  @AfterContainer
  static void bothOutcomesHappened() {
    assertTrue(delivered.get() > 0, "no datagram ever arrived");
    assertTrue(lost.get() > 0, "no datagram was ever lost: the faults did nothing");
  }

  @Property(tries = 25, seed = "20261126")
  void rfc791_reassemblyIsExactOrTheDatagramIsDroppedWhole(@ForAll long seed) {
    try (Harness h = new Harness()) {
      TcpipStack a = h.stack("192.0.2.2/24", null);
      FaultInjectingNetif lossy = FaultInjectingNetif.builder(h.ethernetSwitch.newPort(), h.loop)
          .seed(seed).drop(0.03).duplicate(0.03).reorder(0.05, Duration.ofMillis(5))
          .corrupt(0.03).truncate(0.02).build();
      TcpipStack b = h.stack(lossy, "192.0.2.3/24", null);
      List<byte[]> received = new ArrayList<>();
      b.udp().listen(7, (src, sport, dst, dport, payload) -> received.add(ByteBufUtil.getBytes(payload)));
      List<byte[]> sent = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        byte[] data = pattern(500 + i * 2_500, (int) seed + i);
        data[0] = (byte) i;
        sent.add(data);
        a.udp().write(ip("192.0.2.3"), 7, 4000, Unpooled.wrappedBuffer(data));
        h.advance(Duration.ofMillis(20));
      }
      h.advance(Duration.ofSeconds(61));
      for (byte[] r : received) {
        int i = r[0];
        assertTrue(i >= 0 && i < sent.size(), "seed " + seed + ": a datagram nobody sent");
        assertArrayEquals(sent.get(i), r, "seed " + seed + ": datagram " + i + " altered");
      }
      assertEquals(0, b.ip().reassembliesInProgress(), "seed " + seed);
      java.util.Set<Integer> distinct = new java.util.HashSet<>();
      received.forEach(r -> distinct.add((int) r[0]));
      delivered.addAndGet(distinct.size());
      lost.addAndGet(sent.size() - distinct.size());
      assertEquals(0, b.stats().get(EthernetCounter.RX_HANDLER_FAILURES));
    }
  }

  @Property(tries = 10, seed = "7")
  void rfc792_bigPingsThroughALossyLinkAreExactOrLost(@ForAll long seed) {
    try (Harness h = new Harness()) {
      TcpipStack a = h.stack("192.0.2.2/24", null);
      FaultInjectingNetif lossy = FaultInjectingNetif.builder(h.ethernetSwitch.newPort(), h.loop)
          .seed(seed).drop(0.01).duplicate(0.02).reorder(0.05, Duration.ofMillis(5)).corrupt(0.02).build();
      h.stack(lossy, "192.0.2.3/24", null);
      List<byte[]> replies = new ArrayList<>();
      a.icmp().listen((src, type, code, body) -> {
        if (type == 0) {
          replies.add(ByteBufUtil.getBytes(body));
        }
      });
      byte[] body = pattern(20_000, (int) seed);
      body[0] = 0;
      body[1] = 1;
      a.icmp().write(ip("192.0.2.3"), 8, 0, Unpooled.wrappedBuffer(body));
      h.advance(Duration.ofSeconds(61));
      for (byte[] r : replies) {
        assertArrayEquals(body, r, "seed " + seed);
      }
    }
  }
}
