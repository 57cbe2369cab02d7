package io.morgana.examples.echo;

import static io.morgana.examples.echo.InteropTransfers.connectRetrying;
import static io.morgana.examples.echo.InteropTransfers.randomFile;
import static io.morgana.examples.echo.InteropTransfers.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Flow;
import io.morgana.api.NetifStats;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's net-packet interop tests: the echo kernel on one end of a veth pair, owned through an
 * {@code AF_PACKET} socket with mapped rings ({@link StackPacketKernel}: Morgana 192.0.2.2 on
 * {@value #MORGANA_DEV}, no host address there), the Linux kernel's own stack on the other end
 * (192.0.2.1 on {@value #LINUX_DEV}), in a test network namespace. Linux's end has segmentation
 * offloads off, so every frame it sends fits the MTU. TPACKET_V2 rings here (the default), V3 in {@link
 * EchoPacketV3InteropTest}. Peers: {@code ping}, kernel UDP sockets,
 * {@code socat} — and Morgana's TCP connecting out to {@code socat} servers — with SHA-256 equal.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoPacketInteropTest {

  static final String LINUX_DEV = "mgk0";
  static final String MORGANA_DEV = "mgm0";
  static final String MORGANA = "192.0.2.2";
  static final String LINUX = "192.0.2.1";

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;
  private TcpipStack stack;
  @TempDir Path dir;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    vethPair(ns);
    AtomicReference<StackPacketKernel> component = new AtomicReference<>();
    kernel = InProcessKernel.boot(ns, (a, loop, lifecycle) -> {
      StackPacketKernel k = DaggerStackPacketKernel.factory().create(a, loop, lifecycle);
      component.set(k);
      return k;
    }, "--net=packet:" + MORGANA_DEV, "--ipv4=" + MORGANA + "/24", "--packet-ring=" + ring());
    stack = component.get().stack();
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  /** The ring format the kernel boots with ({@code --packet-ring}). */
  String ring() {
    return "v2";
  }

  /**
   * {@value #LINUX_DEV} (192.0.2.1/24) – {@value #MORGANA_DEV} (up, no address) in {@code ns},
   * IPv6 off, Linux's segmentation offloads off; waits for the carrier.
   */
  static void vethPair(NetworkNamespace ns) {
    HostTools.require("ethtool");
    ns.execOk("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6;"
        + " echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    ns.execOk("ip", "link", "add", LINUX_DEV, "type", "veth", "peer", "name", MORGANA_DEV);
    ns.execOk("ethtool", "-K", LINUX_DEV, "tso", "off", "gso", "off");
    ns.execOk("ethtool", "-K", MORGANA_DEV, "gro", "off");
    ns.execOk("ip", "addr", "add", LINUX + "/24", "dev", LINUX_DEV);
    ns.execOk("ip", "link", "set", LINUX_DEV, "up");
    ns.execOk("ip", "link", "set", MORGANA_DEV, "up");
    EchoTapInteropTest.awaitLinkUp(ns, LINUX_DEV);
    EchoTapInteropTest.awaitLinkUp(ns, MORGANA_DEV);
  }

  @Test
  void ping_fiveEchoRequests_fiveReplies() {
    HostTools.require("ping");
    ExecResult r = ns.execOk("ping", "-c", "5", "-i", "0.2", "-W", "15", MORGANA);
    assertTrue(r.stdout().contains("5 packets transmitted, 5 received"), r.toString());
  }

  @Test
  void ping_4000Bytes_fragmentedBothWays_answeredWhole() {
    HostTools.require("ping");
    ExecResult r = ns.execOk("ping", "-c", "3", "-i", "0.2", "-W", "15", "-s", "4000", MORGANA);
    assertTrue(r.stdout().contains("3 packets transmitted, 3 received"), r.toString());
    assertTrue(r.stdout().contains("4008 bytes from " + MORGANA), r.toString());
  }

  @Test
  void udp_kernelSocket_echoesDatagramsOfEverySizeExactly() throws Exception {
    int[] sizes = {1, 18, 1472, 1473, 3000, 8000, 65_507};
    SplittableRandom random = new SplittableRandom(16);
    ns.callInside(() -> {
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.connect(new InetSocketAddress(MORGANA, EchoServer.PORT));
        socket.setSoTimeout(20_000);
        socket.setReceiveBufferSize(1 << 20);
        for (int size : sizes) {
          byte[] out = new byte[size];
          random.nextBytes(out);
          socket.send(new DatagramPacket(out, size));
          byte[] in = new byte[65_536];
          DatagramPacket reply = new DatagramPacket(in, in.length);
          try {
            socket.receive(reply);
          } catch (SocketTimeoutException e) {
            throw new AssertionError("no echo of a " + size + "-byte datagram within 20 s", e);
          }
          assertArrayEquals(out, Arrays.copyOf(in, reply.getLength()), "echo of " + size + " bytes");
        }
      }
      return null;
    });
    assertEquals(sizes.length, (long) kernel.onLoop(() -> kernel.application().echoed()));
  }

  @Test
  void tcp_socatThroughEcho_8MiB_sha256Equal() throws Exception {
    HostTools.require("socat");
    Path in = randomFile(dir, "in", 8 << 20, 1);
    Path out = dir.resolve("out");
    ExecResult r = ns.execOk(Duration.ofSeconds(180), "sh", "-c",
        "socat -t 60 -T 120 - TCP:" + MORGANA + ":7 < " + in + " > " + out);
    assertEquals(sha256(Files.readAllBytes(in)), sha256(Files.readAllBytes(out)), r.toString());
    NetifStats stats = kernel.onLoop(() -> stack.netif().stats());
    assertEquals(0, stats.txDropped(), "no frame dropped on the way out: " + stats);
  }

  @Test
  void tcp_morganaConnectsOutToSocat_8MiB_sha256Equal() throws Exception {
    HostTools.require("socat");
    Path recv = dir.resolve("recv");
    Process server = ns.start("socat", "-u", "TCP-LISTEN:5001,reuseaddr", "OPEN:" + recv + ",creat,trunc");
    try {
      byte[] data = Files.readAllBytes(randomFile(dir, "data", 8 << 20, 3));
      Flow f = connectRetrying(stack.tcp(), LINUX, 5001);
      for (int off = 0; off < data.length; off += 64 * 1024) {
        f.write(Unpooled.wrappedBuffer(data, off, Math.min(64 * 1024, data.length - off)));
      }
      f.shutdownOutput();
      assertNull(f.read(), "socat closes after our FIN");
      f.close();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "socat ended");
      assertEquals(sha256(data), sha256(Files.readAllBytes(recv)));
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void tcp_morganaReadsFromSocat_8MiB_sha256Equal() throws Exception {
    HostTools.require("socat");
    Path src = randomFile(dir, "src", 8 << 20, 4);
    Process server = ns.start("socat", "-u", "OPEN:" + src, "TCP-LISTEN:5003,reuseaddr");
    try {
      Flow f = connectRetrying(stack.tcp(), LINUX, 5003);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      ByteBuf b;
      while ((b = f.read()) != null) {
        byte[] chunk = new byte[b.readableBytes()];
        b.readBytes(chunk);
        b.release();
        got.writeBytes(chunk);
      }
      f.close();
      assertEquals(sha256(Files.readAllBytes(src)), sha256(got.toByteArray()));
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "socat ended");
    } finally {
      server.destroyForcibly();
    }
  }
}
