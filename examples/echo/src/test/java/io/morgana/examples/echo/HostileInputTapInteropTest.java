package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.TcpipStack;
import io.morgana.net.tcpip.TcpipStats;
import io.morgana.net.tcpip.icmp.IcmpCounter;
import io.morgana.net.tcpip.ipv4.Ipv4Counter;
import io.morgana.net.tcpip.udp.UdpCounter;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8's attacks replayed against the real echo kernel over TAP: an attacker on the link
 * (frames crafted by {@link RawFrames}, put on the wire by {@link LinkInjector} from the
 * namespace's side of the TAP) and the Linux kernel as the honest peer. The kernel is {@link
 * StackTapKernel} (the echo kernel with its stack exposed) booted in this JVM, 192.0.2.2/24 on
 * {@value EchoTapInteropTest#TAP}; Linux is 192.0.2.1. Each test checks Morgana's counters (what
 * it dropped and why), what Linux received ({@code /proc/net/snmp}), and that honest traffic is
 * still answered afterwards. No test asserts a time; waits are for counters to reach a value.
 *
 * <p>The in-memory versions of these rules are {@code net-tcpip}'s {@code HostileInputTest}; the
 * cases that need the reassembly budget and the per-peer ICMP error limiter are in {@link
 * HostileFragmentsTapInteropTest}.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class HostileInputTapInteropTest {

  static final String TAP = EchoTapInteropTest.TAP;
  static final String MAC = EchoTapInteropTest.MAC;
  static final String MORGANA = EchoTapInteropTest.MORGANA;
  static final String LINUX = "192.0.2.1";
  static final String ATTACKER_MAC = "02:00:5e:10:00:66";
  static final String BROADCAST_MAC = "ff:ff:ff:ff:ff:ff";

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;
  private TcpipStack stack;
  private LinkInjector link;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    link = new LinkInjector(ns, TAP);
    EchoTapInteropTest.addTap(ns, TAP);
    AtomicReference<StackTapKernel> component = new AtomicReference<>();
    kernel =
        InProcessKernel.boot(
            ns,
            (a, loop, lifecycle) -> {
              StackTapKernel k = DaggerStackTapKernel.factory().create(a, loop, lifecycle);
              component.set(k);
              return k;
            },
            "--net=tap:" + TAP, "--ipv4=" + MORGANA + "/24", "--mac=" + MAC);
    stack = component.get().stack();
    EchoTapInteropTest.awaitLinkUp(ns, TAP);
    // Both sides learn each other's MAC before the attack starts.
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  private TcpipStats stats() throws Exception {
    return kernel.onLoop(() -> stack.stats());
  }

  private long echoed() throws Exception {
    return kernel.onLoop(() -> kernel.application().echoed());
  }

  /** Waits (up to 30 s) until {@code value} reaches {@code target}; returns the last value read. */
  private static long await(LongSupplier value, long target) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long v = value.getAsLong();
    while (v < target && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      v = value.getAsLong();
    }
    return v;
  }

  private long awaitCounter(Ipv4Counter c, long target) {
    return await(
        () -> {
          try {
            return stats().get(c);
          } catch (Exception e) {
            throw new AssertionError("the kernel loop did not answer", e);
          }
        },
        target);
  }

  private long awaitLinux(String icmpCounter, long target) {
    return await(() -> link.linuxIcmp().get(icmpCounter), target);
  }

  private static long heapUsedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Ping and a UDP echo from Linux both work, and the loop answers: the kernel is healthy. */
  private void assertHealthy() throws Exception {
    HostTools.require("ping");
    ExecResult ping = ns.execOk("ping", "-c", "3", "-i", "0.2", "-W", "15", MORGANA);
    assertTrue(ping.stdout().contains("3 packets transmitted, 3 received"), ping.toString());
    long before = echoed();
    byte[] sent = "still-here".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] got =
        ns.callInside(
            () -> {
              try (DatagramSocket socket = new DatagramSocket()) {
                socket.connect(new InetSocketAddress(MORGANA, EchoServer.PORT));
                socket.setSoTimeout(20_000);
                socket.send(new DatagramPacket(sent, sent.length));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                socket.receive(reply);
                return Arrays.copyOf(reply.getData(), reply.getLength());
              }
            });
    assertArrayEquals(sent, got);
    assertEquals(before + 1, echoed());
  }

  /** An echo request to Morgana from Linux's address and MAC with {@code options}. */
  private byte[] pingWithOptions(String linuxMac, int id, byte[] options) {
    byte[] icmp = RawFrames.icmpEcho(0x4242, id, new byte[16]);
    return RawFrames.ethernet(
        MAC, linuxMac, RawFrames.ETHERTYPE_IPV4,
        RawFrames.ipv4(LINUX, MORGANA, RawFrames.PROTO_ICMP, id, 0, options, icmp));
  }

  /**
   * Issue 8 (1): UDP from 192.0.2.2:7 to 192.0.2.2:7 — to Morgana's MAC, to the directed
   * broadcast 192.0.2.255 and to 255.255.255.255 — made the echo service echo to itself until the
   * loop thread died. Now every one is dropped as a martian and none is echoed or answered, the
   * heap does not grow, and Linux is still served.
   */
  @Test
  void spoofedOwnAddressUdpToTheEchoPort_unicastAndBroadcasts_droppedAndKernelStaysHealthy() throws Exception {
    int each = 20;
    List<byte[]> frames = new ArrayList<>();
    byte[] data = "loop-me".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    String[][] targets = {{MAC, MORGANA}, {BROADCAST_MAC, "192.0.2.255"}, {BROADCAST_MAC, "255.255.255.255"}};
    int id = 1;
    for (String[] t : targets) {
      for (int i = 0; i < each; i++) {
        byte[] udp = RawFrames.udp(MORGANA, t[1], EchoServer.PORT, EchoServer.PORT, data);
        frames.add(RawFrames.ethernet(t[0], ATTACKER_MAC, RawFrames.ETHERTYPE_IPV4,
            RawFrames.ipv4(MORGANA, t[1], RawFrames.PROTO_UDP, id++, 0, new byte[0], udp)));
      }
    }
    TcpipStats before = stats();
    long echoedBefore = echoed();
    long heapBefore = heapUsedAfterGc();

    link.send(frames);

    long dropped = awaitCounter(Ipv4Counter.RX_DROP_OWN_SOURCE, before.get(Ipv4Counter.RX_DROP_OWN_SOURCE) + frames.size());
    assertEquals(before.get(Ipv4Counter.RX_DROP_OWN_SOURCE) + frames.size(), dropped, () -> "stats: " + stats0());
    TcpipStats after = stats();
    assertEquals(echoedBefore, echoed(), "a spoofed datagram reached the echo service");
    assertEquals(before.get(UdpCounter.RX_DATAGRAMS), after.get(UdpCounter.RX_DATAGRAMS), after.toString());
    assertEquals(before.get(UdpCounter.TX_DATAGRAMS), after.get(UdpCounter.TX_DATAGRAMS), "replies were sent: " + after);
    assertEquals(before.get(Ipv4Counter.TX_DATAGRAMS), after.get(Ipv4Counter.TX_DATAGRAMS), "something answered: " + after);
    long grown = heapUsedAfterGc() - heapBefore;
    assertTrue(grown < 16L << 20, "heap grew by " + grown + " bytes over " + frames.size() + " spoofed frames");

    assertHealthy();
  }

  private String stats0() {
    try {
      return stats().toString();
    } catch (Exception e) {
      return "(the loop did not answer: " + e + ")";
    }
  }

  /**
   * Issue 8 (4), RFC 1122 §3.2.1.8 and Linux's behaviour: an echo request whose timestamp option
   * has an impossible length (1) is not answered but refused with an ICMP parameter problem,
   * which Linux receives.
   */
  @Test
  void malformedOptions_linuxReceivesAParameterProblem_noEchoReply() throws Exception {
    String linuxMac = link.linuxMac();
    long parmBefore = link.linuxIcmp().get("InParmProbs");
    TcpipStats before = stats();
    byte[] badTimestamp = {68, 1, 0, 0};

    link.send(List.of(pingWithOptions(linuxMac, 901, badTimestamp)));

    assertEquals(before.get(Ipv4Counter.RX_DROP_BAD_OPTIONS) + 1, awaitCounter(Ipv4Counter.RX_DROP_BAD_OPTIONS, before.get(Ipv4Counter.RX_DROP_BAD_OPTIONS) + 1));
    assertEquals(parmBefore + 1, awaitLinux("InParmProbs", parmBefore + 1), "Linux's ICMP counters: " + link.linuxIcmp());
    TcpipStats after = stats();
    assertEquals(before.get(IcmpCounter.TX_ECHO_REPLIES), after.get(IcmpCounter.TX_ECHO_REPLIES), after.toString());
    assertHealthy();
  }

  /**
   * Issue 8 (4): loose (131) and strict (137) source-routed echo requests were answered; Linux
   * drops them ({@code accept_source_route=0}), and so does Morgana now — no reply of any kind,
   * each counted. A plain echo request sent after them is answered, and its reply is the only
   * one Linux sees: the control that shows the frames got through and replies would have too.
   */
  @Test
  void sourceRoutedEchoRequests_droppedAndCounted_noAnswer() throws Exception {
    String linuxMac = link.linuxMac();
    byte[] lsrr = {(byte) 131, 7, 4, (byte) 192, 0, 2, 9, 0};
    byte[] ssrr = {(byte) 137, 7, 4, (byte) 192, 0, 2, 9, 0};
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      frames.add(pingWithOptions(linuxMac, 1000 + i, lsrr));
      frames.add(pingWithOptions(linuxMac, 2000 + i, ssrr));
    }
    long repliesBefore = link.linuxIcmp().get("InEchoReps");
    long errorsBefore = link.linuxIcmp().get("InErrors") + link.linuxIcmp().get("InParmProbs") + link.linuxIcmp().get("InDestUnreachs");
    TcpipStats before = stats();

    link.send(frames);
    long routed = awaitCounter(Ipv4Counter.RX_DROP_SOURCE_ROUTED, before.get(Ipv4Counter.RX_DROP_SOURCE_ROUTED) + frames.size());
    assertEquals(before.get(Ipv4Counter.RX_DROP_SOURCE_ROUTED) + frames.size(), routed);
    link.send(List.of(pingWithOptions(linuxMac, 3000, new byte[0]))); // control

    assertEquals(repliesBefore + 1, awaitLinux("InEchoReps", repliesBefore + 1), "Linux's ICMP counters: " + link.linuxIcmp());
    TcpipStats after = stats();
    assertEquals(before.get(IcmpCounter.TX_ECHO_REPLIES) + 1, after.get(IcmpCounter.TX_ECHO_REPLIES), after.toString());
    assertEquals(before.get(Ipv4Counter.TX_ICMP_ERRORS), after.get(Ipv4Counter.TX_ICMP_ERRORS), after.toString());
    long errorsAfter = link.linuxIcmp().get("InErrors") + link.linuxIcmp().get("InParmProbs") + link.linuxIcmp().get("InDestUnreachs");
    assertEquals(errorsBefore, errorsAfter, "Linux received an ICMP error: " + link.linuxIcmp());
  }

  /**
   * What must keep holding (issue 8): {@code ping -f} of 64 and 1,400 bytes loses nothing (30,000
   * bytes, 21 fragments each way, is in {@link HostileFragmentsTapInteropTest}: flood ping keeps
   * more than 16 datagrams in reassembly at once, beyond what this branch's reassembler holds). Without {@code -w} (with a deadline, flood ping stops at
   * the 2,000th reply with requests still in flight, and counts them as sent): ping sends 2,000
   * and waits for the stragglers; the run is bounded by the exec timeout, no time is asserted.
   */
  @ParameterizedTest(name = "ping -f -c 2000 -s {0}")
  @ValueSource(ints = {64, 1400})
  void pingFlood_2000Requests_noLoss(int size) throws Exception {
    HostTools.require("ping");
    ExecResult r =
        ns.exec(Duration.ofSeconds(300), "ping", "-f", "-c", "2000", "-W", "10", "-s", Integer.toString(size), MORGANA);
    assertTrue(r.stdout().contains("2000 packets transmitted, 2000 received"), r + "\nstats: " + stats0());
    TcpipStats s = stats();
    assertEquals(0, s.get(Ipv4Counter.REASSEMBLY_DROP_LIMIT), s.toString());
    assertEquals(0, s.get(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT), s.toString());
  }
}
