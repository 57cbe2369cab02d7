package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 3's interop tests: the echo kernel ({@link TapKernel}: TAP device, Morgana's TCP/IP
 * stack, static IPv4) against the Linux kernel's own stack, inside a test network namespace. The
 * namespace holds a persistent TAP device {@value #TAP} whose kernel side is 192.0.2.1/24;
 * Morgana, booted in this JVM on a loop thread inside the namespace, is 192.0.2.2/24 with MAC
 * {@value #MAC}. The peers are {@code ping}, {@code arping}, {@code socat} and kernel UDP sockets
 * opened inside the namespace.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoTapInteropTest {

  static final String TAP = "mg0";
  static final String MAC = "02:00:5e:10:00:02";
  static final String MORGANA = "192.0.2.2";

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    kernel = bootEcho(ns);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  /** Creates the TAP device in {@code ns}, configures the kernel side, boots the echo kernel. */
  static InProcessKernel<EchoServer> bootEcho(NetworkNamespace ns, String... extra) throws Exception {
    addTap(ns, TAP);
    InProcessKernel<EchoServer> kernel =
        InProcessKernel.boot(
            ns, DaggerTapKernel.factory()::create, argv(extra));
    awaitLinkUp(ns, TAP);
    return kernel;
  }

  /**
   * Creates the TAP device {@code dev} in {@code ns} with the kernel side at 192.0.2.1/24, up, and
   * IPv6 off in the namespace (so that the kernel sends nothing but what a test asks for).
   */
  static void addTap(NetworkNamespace ns, String dev) {
    ns.execOk("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6;"
        + " echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    ns.execOk("ip", "tuntap", "add", "dev", dev, "mode", "tap");
    ns.execOk("ip", "addr", "add", "192.0.2.1/24", "dev", dev);
    ns.execOk("ip", "link", "set", dev, "up");
  }

  private static String[] argv(String... extra) {
    String[] base = {"--net=tap:" + TAP, "--ipv4=" + MORGANA + "/24", "--mac=" + MAC};
    String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  /**
   * Waits (up to 30 s) until {@code ip link show DEV} reports a carrier ({@code LOWER_UP}) and a
   * real queueing discipline (not {@code noop}): the kernel activates a TAP's queue
   * asynchronously after Morgana attaches, and drops what it sends until then.
   */
  static void awaitLinkUp(NetworkNamespace ns, String dev) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String show = "";
    while (System.nanoTime() - deadline < 0) {
      show = ns.execOk("ip", "link", "show", "dev", dev).stdout();
      if (show.contains("LOWER_UP") && !show.contains("qdisc noop")) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("link " + dev + " did not come up: " + show);
  }

  @Test
  void ping_fiveEchoRequests_fiveReplies() {
    HostTools.require("ping");
    ExecResult r = ns.execOk("ping", "-c", "5", "-i", "0.2", "-W", "15", MORGANA);
    assertTrue(r.stdout().contains("5 packets transmitted, 5 received"), r.toString());
    assertTrue(r.stdout().contains("64 bytes from " + MORGANA), r.toString());
  }

  @Test
  void ping_4000Bytes_fragmentedBothWays_answeredWhole() {
    HostTools.require("ping");
    // 4008 bytes of ICMP in a 1500-byte MTU: the kernel fragments the request, Morgana
    // reassembles it and fragments the reply, the kernel reassembles that.
    ExecResult r = ns.execOk("ping", "-c", "3", "-i", "0.2", "-W", "15", "-s", "4000", MORGANA);
    assertTrue(r.stdout().contains("3 packets transmitted, 3 received"), r.toString());
    assertTrue(r.stdout().contains("4008 bytes from " + MORGANA), r.toString());
  }

  @Test
  void ping_60000Bytes_answeredWhole() {
    HostTools.require("ping");
    ExecResult r = ns.execOk("ping", "-c", "2", "-i", "0.5", "-W", "15", "-s", "60000", MORGANA);
    assertTrue(r.stdout().contains("2 packets transmitted, 2 received"), r.toString());
    assertTrue(r.stdout().contains("60008 bytes from " + MORGANA), r.toString());
  }

  @Test
  void arping_threeRequests_threeRepliesWithMorganasMac() {
    HostTools.require("arping");
    ExecResult r = ns.execOk("arping", "-c", "3", "-w", "20", "-I", TAP, MORGANA);
    assertTrue(r.stdout().contains("Received 3 response(s)"), r.toString());
    assertTrue(r.stdout().toLowerCase(Locale.ROOT).contains("[" + MAC + "]"), r.toString());
  }

  @Test
  void udp_socatRoundTrip_echoesTheLine() {
    HostTools.require("socat");
    // SYSTEM's stdout goes to the UDP socket, its stdin comes from it: the script sends a line
    // and prints the first line that comes back to stderr, then exits, which ends socat.
    ExecResult r =
        ns.execOk(
            Duration.ofSeconds(30),
            "socat", "-T", "20", "UDP:" + MORGANA + ":7",
            "SYSTEM:echo hello-from-linux; head -n1 >&2");
    assertTrue(r.stderr().contains("hello-from-linux"), r.toString());
  }

  @Test
  void udp_closedPort_kernelReportsConnectionRefused() {
    HostTools.require("socat");
    // Morgana answers a datagram to a closed port with ICMP port unreachable; the kernel turns
    // it into ECONNREFUSED on socat's connected UDP socket.
    ExecResult r =
        ns.exec(
            Duration.ofSeconds(30),
            "socat", "-T", "20", "UDP:" + MORGANA + ":9",
            "SYSTEM:echo knock-knock; head -n1 >&2");
    assertNotEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("Connection refused"), r.toString());
  }

  @Test
  void udp_kernelSocket_echoesDatagramsOfEverySizeExactly() throws Exception {
    // 1472 fits one frame; 1473 needs two fragments; 65507 is UDP's largest over IPv4 (45 frames).
    // (Empty datagrams are covered by EchoServerTest: Java's DatagramSocket does not send them.)
    int[] sizes = {1, 18, 1472, 1473, 3000, 8000, 65_507};
    SplittableRandom random = new SplittableRandom(3);
    ns.callInside(
        () -> {
          try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(MORGANA, EchoServer.PORT));
            socket.setSoTimeout(20_000);
            socket.setReceiveBufferSize(1 << 20);
            for (int size : sizes) {
              byte[] out = new byte[size];
              for (int i = 0; i < size; i++) {
                out[i] = (byte) random.nextInt(256);
              }
              socket.send(new DatagramPacket(out, size));
              byte[] in = new byte[65_536];
              DatagramPacket reply = new DatagramPacket(in, in.length);
              try {
                socket.receive(reply);
              } catch (SocketTimeoutException e) {
                throw new AssertionError("no echo of a " + size + "-byte datagram within 20 s", e);
              }
              assertEquals(size, reply.getLength(), "echo of a " + size + "-byte datagram");
              assertArrayEquals(out, Arrays.copyOf(in, reply.getLength()), "echo of " + size + " bytes");
              assertEquals(EchoServer.PORT, reply.getPort());
            }
          }
          return null;
        });
    assertEquals(sizes.length, (long) kernel.onLoop(() -> kernel.application().echoed()));
  }

  @Test
  void udp_kernelSocket_closedPort_isPortUnreachable() throws Exception {
    ns.callInside(
        () -> {
          try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(MORGANA, 9));
            socket.setSoTimeout(20_000);
            socket.send(new DatagramPacket(new byte[] {1, 2, 3}, 3));
            assertThrows(
                PortUnreachableException.class,
                () -> socket.receive(new DatagramPacket(new byte[16], 16)));
          }
          return null;
        });
  }
}
