package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8's attacks on reassembly and on the ICMP error budget, against the real echo kernel
 * over TAP ({@link EchoTapInteropTest#bootEcho}), judged only by what Linux sees (ping's output,
 * {@code /proc/net/snmp}) so that the class runs on any branch of the stack.
 *
 * <p>What they hold the stack to: reassembly within a 4 MiB budget evicting the oldest
 * incomplete datagrams, 8,190-fragment trains, per-destination ICMP error buckets of burst 6 and
 * 1/s as Linux has. Before those (issue 8), incomplete trains locked reassembly out for 60 s,
 * trains over 64 pieces were dropped and one global bucket let 10 port unreachables through.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class HostileFragmentsTapInteropTest {

  static final String MORGANA = EchoTapInteropTest.MORGANA;
  static final String MAC = EchoTapInteropTest.MAC;
  static final String LINUX = "192.0.2.1";
  static final String SPOOFED = "192.0.2.77";
  static final String SPOOFED_MAC = "02:00:5e:10:00:77";

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;
  private LinkInjector link;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    HostTools.require("ping");
    link = new LinkInjector(ns, EchoTapInteropTest.TAP);
    kernel = EchoTapInteropTest.bootEcho(ns);
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  private void assertLargePingsAnswered() {
    ExecResult r = ns.exec(Duration.ofSeconds(90), "ping", "-c", "3", "-i", "0.3", "-W", "15", "-s", "30000", MORGANA);
    assertTrue(r.stdout().contains("3 packets transmitted, 3 received"), r.toString());
  }

  private long awaitLinux(String counter, long target) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long v = link.linuxIcmp().get(counter);
    while (v < target && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      v = link.linuxIcmp().get(counter);
    }
    return v;
  }

  /**
   * Issue 8 (2): first fragments that never complete, from a spoofed on-link source, locked
   * reassembly out for 60 s (16 filled every slot). Now fresh trains evict the oldest incomplete
   * ones within the memory budget, so Linux's 30,000-byte pings (21 fragments) right after are
   * answered.
   */
  @ParameterizedTest(name = "{0} incomplete first fragments")
  @ValueSource(ints = {16, 256})
  void incompleteFirstFragmentsFromASpoofedPeer_thenLargePingsAnswered(int trains) {
    List<byte[]> frames = new ArrayList<>();
    byte[] first = new byte[1480];
    for (int i = 0; i < trains; i++) {
      // The first 1,480 bytes of an 8,000-byte UDP datagram to the echo port; the rest never comes.
      byte[] ip = RawFrames.ipv4(SPOOFED, MORGANA, RawFrames.PROTO_UDP, 0x7000 + i, RawFrames.MF, new byte[0], first);
      frames.add(RawFrames.ethernet(MAC, SPOOFED_MAC, RawFrames.ETHERTYPE_IPV4, ip));
    }
    link.send(frames);
    assertLargePingsAnswered();
  }

  /**
   * Issue 8 (2): a flood of 8,000-byte UDP echoes (6 fragments each, more than the TAP queue
   * holds, so trains arrive incomplete) left fragmented pings failing for 61 s afterwards.
   */
  @Test
  void floodOf8000ByteUdpEchoes_thenLargePingsAnswered() throws Exception {
    ns.callInside(
        () -> {
          try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(MORGANA, EchoServer.PORT));
            byte[] payload = new byte[8000];
            for (int i = 0; i < 3000; i++) {
              payload[0] = (byte) i;
              socket.send(new DatagramPacket(payload, payload.length));
            }
          }
          return null;
        });
    // The TAP queue drops part of the flood, and Morgana works through the rest: once a small
    // ping is answered the backlog is gone, and what remains are the incomplete trains. On a
    // loaded machine working through 18,000 reply fragments takes a while, and a ping sent while
    // the TAP queue is full is lost: ask again (bounded), assert no time.
    ExecResult small = null;
    for (int attempt = 0; attempt < 12 && (small == null || !small.ok()); attempt++) {
      small = ns.exec("ping", "-c", "1", "-W", "5", MORGANA);
    }
    assertTrue(small.ok(), "a small ping after the flood: " + small);
    assertLargePingsAnswered();
  }

  /**
   * What must keep holding (issue 8): {@code ping -f -c 2000 -s 30000} loses nothing. Each request
   * and reply is 21 fragments; ping floods up to one request per 10 ms whatever the replies, so
   * dozens of trains are in reassembly at once (on this branch's predecessor, over 16 were dropped
   * at the limit: 62 % loss in one run). Bounded by the exec timeout; no time is asserted.
   */
  @Test
  void pingFlood_30000Bytes_2000Requests_noLossInMorgana() {
    long hostQueueDropsBefore = tapTxDropped();
    ExecResult r = ns.exec(Duration.ofSeconds(300), "ping", "-f", "-c", "2000", "-W", "10", "-s", "30000", MORGANA);
    if (r.stdout().contains("2000 packets transmitted, 2000 received")) {
      return;
    }
    // On a loaded machine Morgana can fall behind ping's pace, and the host's TAP queue (1,000
    // frames) overflows: that loss is the host's, counted as TX drops on the TAP device. Any loss
    // without such drops would be Morgana's.
    long hostQueueDrops = tapTxDropped() - hostQueueDropsBefore;
    assertTrue(hostQueueDrops > 0, "requests lost with no drop in the host's TAP queue: Morgana lost them\n" + r);
  }

  /** Frames the host's side of the TAP device dropped because Morgana had not read them yet. */
  private long tapTxDropped() {
    String[] lines = ns.execOk("ip", "-s", "link", "show", "dev", EchoTapInteropTest.TAP).stdout().split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].strip().startsWith("TX:")) {
        return Long.parseLong(lines[i + 1].strip().split("\\s+")[3]);
      }
    }
    throw new AssertionError("no TX counters in ip -s link output");
  }

  /**
   * Issue 8 (2): trains of more than 64 pieces were dropped. An echo request of 800 bytes of
   * ICMP sent as one hundred 8-byte fragments from Linux's address is reassembled and answered:
   * Linux receives one echo reply.
   */
  @Test
  void echoRequestInOneHundredEightByteFragments_answered() {
    String linuxMac = link.linuxMac();
    byte[] icmp = RawFrames.icmpEcho(0x5151, 1, new byte[792]);
    List<byte[]> frames = new ArrayList<>();
    for (byte[] fragment : RawFrames.fragments(LINUX, MORGANA, RawFrames.PROTO_ICMP, 0x5151, icmp, 8)) {
      frames.add(RawFrames.ethernet(MAC, linuxMac, RawFrames.ETHERTYPE_IPV4, fragment));
    }
    assertEquals(100, frames.size());
    long before = link.linuxIcmp().get("InEchoReps");
    link.send(frames);
    assertEquals(before + 1, awaitLinux("InEchoReps", before + 1), "Linux's ICMP counters: " + link.linuxIcmp());
  }

  /**
   * Issue 8 (3): one global bucket let 10 port unreachables answer 50 datagrams to a closed port.
   * Like Linux now (burst 6, then 1 per second per peer): Linux receives at most 6 + 1.
   */
  @Test
  void burstOf50DatagramsToAClosedPort_atMostSevenPortUnreachables() throws Exception {
    long before = link.linuxIcmp().get("InDestUnreachs");
    ns.callInside(
        () -> {
          try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < 50; i++) {
              socket.send(new DatagramPacket(new byte[] {(byte) i}, 1, new InetSocketAddress(MORGANA, 9)));
            }
          }
          return null;
        });
    // Errors go out before the reply to a ping sent after the burst; two pings let them land.
    long first = awaitLinux("InDestUnreachs", before + 1);
    ns.execOk("ping", "-c", "2", "-i", "0.2", "-W", "15", MORGANA);
    long received = link.linuxIcmp().get("InDestUnreachs") - before;
    assertTrue(first > before, "no port unreachable at all: " + link.linuxIcmp());
    assertTrue(received <= 7, received + " port unreachables for a burst of 50: " + link.linuxIcmp());
  }
}
