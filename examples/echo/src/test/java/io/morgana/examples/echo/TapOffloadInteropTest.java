package io.morgana.examples.echo;

import static io.morgana.examples.echo.InteropTransfers.connectRetrying;
import static io.morgana.examples.echo.InteropTransfers.randomFile;
import static io.morgana.examples.echo.InteropTransfers.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Flow;
import io.morgana.api.NetifStats;
import io.morgana.net.tap.TapNetif;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tap-offload} against the Linux kernel (issue 11's offload step): the echo kernel opens
 * its TAP with {@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4)}, so the
 * kernel side of the device has checksum offload and TSO on ({@code ethtool -k} says so) and sends
 * Morgana frames with partial checksums and TCP segments of up to 64 KiB, and Morgana sends the
 * kernel the same (transmit checksum offload and TSO: {@code virtio_net_hdr} with {@code
 * NEEDS_CSUM} and {@code GSO_TCPV4}). Ping, UDP and 64 MiB of TCP each way (SHA-256 equal) go
 * through it; the device's own counters show frames above the MTU arrived and left, i.e. the
 * offloads were used, not merely allowed.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class TapOffloadInteropTest {

  static final String TAP = "mg0";
  static final String MORGANA = "192.0.2.2";
  static final String LINUX = "192.0.2.1";
  static final int MIB_64 = 64 << 20;

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;
  private TcpipStack stack;
  private TapNetif tap;
  @TempDir Path dir;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    EchoTapInteropTest.addTap(ns, TAP);
    AtomicReference<OffloadTapKernel> component = new AtomicReference<>();
    kernel = InProcessKernel.boot(ns, (a, loop, lifecycle) -> {
      OffloadTapKernel k = DaggerOffloadTapKernel.factory().create(a, loop, lifecycle);
      component.set(k);
      return k;
    }, "--net=tap:" + TAP, "--ipv4=" + MORGANA + "/24", "--mac=02:00:5e:10:00:02", "--tap-offload");
    stack = component.get().stack();
    tap = component.get().tap();
    EchoTapInteropTest.awaitLinkUp(ns, TAP);
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  @Test
  void tunsetoffload_turnsTheKernelSidesChecksumOffloadAndTsoOn() {
    HostTools.require("ethtool");
    String features = ns.execOk("ethtool", "-k", TAP).stdout();
    assertTrue(features.contains("tx-checksumming: on"), features);
    assertTrue(features.contains("tx-tcp-segmentation: on"), features);
  }

  @Test
  void ping_andPingOf4000Bytes_answered() {
    HostTools.require("ping");
    ExecResult r = ns.execOk("ping", "-c", "3", "-i", "0.2", "-W", "15", MORGANA);
    assertTrue(r.stdout().contains("3 packets transmitted, 3 received"), r.toString());
    r = ns.execOk("ping", "-c", "2", "-i", "0.2", "-W", "15", "-s", "4000", MORGANA);
    assertTrue(r.stdout().contains("2 packets transmitted, 2 received"), r.toString());
  }

  @Test
  void udp_socatRoundTrip_echoesTheLine() {
    HostTools.require("socat");
    ExecResult r = ns.execOk(Duration.ofSeconds(30), "socat", "-T", "20", "UDP:" + MORGANA + ":7",
        "SYSTEM:echo hello-with-offloads; head -n1 >&2");
    assertTrue(r.stderr().contains("hello-with-offloads"), r.toString());
  }

  @Test
  void tcp_64MiBFromLinux_sha256Equal_inSegmentsAboveTheMtu() throws Exception {
    HostTools.require("socat");
    Path src = randomFile(dir, "src", MIB_64, 11);
    NetifStats before = tap.stats();
    Process server = ns.start("socat", "-u", "OPEN:" + src, "TCP-LISTEN:5003,reuseaddr");
    try {
      Flow f = connectRetrying(stack.tcp(), LINUX, 5003);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long total = 0;
      ByteBuf b;
      while ((b = f.read()) != null) {
        total += b.readableBytes();
        sha.update(b.nioBuffer());
        b.release();
      }
      f.close();
      assertEquals(MIB_64, total);
      assertEquals(sha256(Files.readAllBytes(src)), HexFormat.of().formatHex(sha.digest()));
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "socat ended");
    } finally {
      server.destroyForcibly();
    }
    NetifStats after = tap.stats();
    long frames = after.rxFrames() - before.rxFrames();
    long bytes = after.rxBytes() - before.rxBytes();
    // Without TSO no frame exceeds MTU + 14 = 1,514 bytes: an average above it needs GSO frames.
    assertTrue(bytes > frames * (tap.mtu() + 14L), "frames " + frames + ", bytes " + bytes);
    assertEquals(before.rxDropped(), after.rxDropped(), after.toString());
  }

  @Test
  void tcp_64MiBToLinux_sha256Equal_sentAsSuperSegmentsTheKernelCuts() throws Exception {
    HostTools.require("socat");
    assertTrue(tap.offloads().txChecksum() && tap.offloads().maxSegmentBytes() > 0, tap.offloads().toString());
    Path recv = dir.resolve("recv");
    byte[] data = Files.readAllBytes(randomFile(dir, "data", MIB_64, 12));
    NetifStats before = tap.stats();
    Process server = ns.start("socat", "-u", "TCP-LISTEN:5001,reuseaddr", "OPEN:" + recv + ",creat,trunc");
    try {
      Flow f = connectRetrying(stack.tcp(), LINUX, 5001);
      for (int off = 0; off < data.length; off += 64 * 1024) {
        f.write(Unpooled.wrappedBuffer(data, off, Math.min(64 * 1024, data.length - off)));
      }
      f.shutdownOutput();
      assertEquals(null, f.read(), "socat closes after our FIN");
      f.close();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "socat ended");
      assertEquals(sha256(data), sha256(Files.readAllBytes(recv)));
    } finally {
      server.destroyForcibly();
    }
    NetifStats after = tap.stats();
    long frames = after.txFrames() - before.txFrames();
    long bytes = after.txBytes() - before.txBytes();
    // Without TSO no frame Morgana writes exceeds MTU + 14 = 1,514 bytes: only super-segments
    // (virtio_net_hdr GSO_TCPV4, cut by the kernel) lift the average above it.
    assertTrue(bytes > frames * (tap.mtu() + 14L), "frames " + frames + ", bytes " + bytes);
    assertEquals(before.txDropped(), after.txDropped(), after.toString());
  }

  @Test
  void tcp_socatThroughEcho_8MiB_sha256Equal() throws Exception {
    HostTools.require("socat");
    Path in = randomFile(dir, "in", 8 << 20, 13);
    Path out = dir.resolve("out");
    ExecResult r = ns.execOk(Duration.ofSeconds(180), "sh", "-c",
        "socat -t 60 -T 120 - TCP:" + MORGANA + ":7 < " + in + " > " + out);
    assertEquals(sha256(Files.readAllBytes(in)), sha256(Files.readAllBytes(out)), r.toString());
  }
}
