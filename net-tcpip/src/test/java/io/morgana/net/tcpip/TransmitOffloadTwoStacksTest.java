package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.Harness.bytes;
import static io.morgana.net.tcpip.Harness.ip;
import static io.morgana.net.tcpip.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.net.tcpip.ipv4.Ipv4Counter;
import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.net.tcpip.tcp.TcpSettings;
import io.morgana.net.tcpip.udp.UdpCounter;
import io.morgana.testkit.FaultInjectingNetif;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Transmit offloads end to end: a stack over a device that completes checksums and cuts TCP
 * super-segments ({@link SegmentingNetif}, as a TAP's kernel side does) talks to a stack on a
 * plain switch port, which verifies every checksum it receives.
 */
class TransmitOffloadTwoStacksTest {

  static final TcpSettings SETTINGS = TcpSettings.DEFAULTS.withSecret(7);

  /**
   * {@code data} from {@code a} to {@code b}'s port 9, which reads to the end and closes: the
   * receiver is offloaded work, the test thread writes, shuts its output down and reads the
   * receiver's FIN (its blocking calls drive the deterministic loop).
   */
  private static byte[] transfer(Harness h, TcpipStack a, TcpipStack b, byte[] data) throws Exception {
    Tcp.Listener l = b.tcp().listen(9);
    CompletionStage<byte[]> received = h.loop.offload(() -> {
      try (Flow s = l.accept()) {
        return TcpTwoStacksTest.readAll(s);
      } finally {
        l.close();
      }
    });
    try (Flow f = a.tcp().connect(new Endpoint(ip("192.0.2.3"), 9), Duration.ofSeconds(5))) {
      for (int off = 0; off < data.length; off += 100_000) {
        f.write(Unpooled.wrappedBuffer(data, off, Math.min(100_000, data.length - off)));
      }
      f.shutdownOutput();
      assertEquals(null, f.read(), "the receiver closes after our FIN");
    }
    return received.toCompletableFuture().join();
  }

  @Test
  void tcp_aMegabyteSentAsSuperSegments_arrivesIntact_withEveryChecksumRight() throws Exception {
    try (Harness h = new Harness()) {
      SegmentingNetif device = new SegmentingNetif(h.ethernetSwitch.newPort(), 65_455);
      TcpipStack a = h.tcpStack(device, "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      byte[] data = pattern(1 << 20, 3);
      byte[] got = transfer(h, a, b, data);
      assertArrayEquals(TcpTwoStacksTest.sha256(data), TcpTwoStacksTest.sha256(got));
      assertTrue(device.superSegments > 0, "the sender handed the device super-segments");
      assertTrue(device.largestFrame > device.mtu() + 14, "largest frame " + device.largestFrame);
      assertTrue(a.stats().get(Ipv4Counter.TX_SEGMENTATION_OFFLOADED) > 0);
      assertEquals(0, b.stats().get(TcpCounter.RX_DROP_BAD_CHECKSUM));
    }
  }

  @Test
  void udp_aDatagramThatFits_leavesWithAPartialChecksum_oneThatIsFragmented_withAComplete() {
    try (Harness h = new Harness()) {
      SegmentingNetif device = new SegmentingNetif(h.ethernetSwitch.newPort(), 65_455);
      TcpipStack a = h.tcpStack(device, "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      List<byte[]> got = new ArrayList<>();
      b.udp().listen(7, (src, sport, dst, dport, payload) -> got.add(bytes(payload)));
      byte[] small = pattern(1000, 1);
      byte[] large = pattern(5000, 2);
      a.udp().write(ip("192.0.2.3"), 7, 1234, h.payload(a, small));
      h.run();
      long partial = device.partialChecksums;
      a.udp().write(ip("192.0.2.3"), 7, 1234, h.payload(a, large));
      h.run();
      assertEquals(2, got.size());
      assertArrayEquals(small, got.get(0));
      assertArrayEquals(large, got.get(1));
      assertTrue(partial >= 1, "the small datagram's checksum was left to the device");
      assertEquals(partial, device.partialChecksums, "fragments carry our own checksum");
      assertEquals(0, b.stats().get(UdpCounter.RX_DROP_BAD_CHECKSUM));
    }
  }

  @Test
  void overAFaultInjector_theStackSeesNoTransmitOffload_andSendsOnlyMssSegments() throws Exception {
    try (Harness h = new Harness()) {
      SegmentingNetif device = new SegmentingNetif(h.ethernetSwitch.newPort(), 65_455);
      FaultInjectingNetif faults = FaultInjectingNetif.builder(device, h.loop).seed(1).build();
      assertFalse(faults.offloads().txChecksum());
      assertEquals(0, faults.offloads().maxSegmentBytes());
      TcpipStack a = h.tcpStack(faults, "192.0.2.2/24", SETTINGS);
      TcpipStack b = h.tcpStack(h.ethernetSwitch.newPort(), "192.0.2.3/24", SETTINGS);
      byte[] data = pattern(200_000, 4);
      assertArrayEquals(data, transfer(h, a, b, data));
      assertEquals(0, device.partialChecksums);
      assertTrue(device.largestFrame <= device.mtu() + 14, "largest frame " + device.largestFrame);
      assertEquals(0, a.stats().get(Ipv4Counter.TX_SEGMENTATION_OFFLOADED));
    }
  }
}
