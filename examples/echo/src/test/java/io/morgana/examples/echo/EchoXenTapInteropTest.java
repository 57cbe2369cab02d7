package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 13's kernel test: the echo kernel of {@link XenKernel} — {@code XenNetfrontModule} on the
 * simulated Xen platform, its Java netback bridged to a TAP device in a test namespace — against
 * the Linux kernel's stack: {@code ping} and UDP cross the TAP device, the netback, and the netif
 * rings, grants and event channels to the guest's stack and back. {@link EchoTapInteropTest} is
 * the same kernel with {@code TapNetifModule} in place of netfront.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoXenTapInteropTest {

  static final String TAP = "mgx0";
  static final String MAC = "00:16:3e:10:00:02";
  static final String MORGANA = "192.0.2.2";

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    EchoTapInteropTest.addTap(ns, TAP);
    kernel = InProcessKernel.boot(ns, DaggerXenKernel.factory()::create,
        "--net=tap:" + TAP, "--ipv4=" + MORGANA + "/24", "--xen-vif-mac=" + MAC);
    EchoTapInteropTest.awaitLinkUp(ns, TAP);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  @Test
  void xenEcho_ping_fiveEchoRequests_fiveReplies() {
    HostTools.require("ping");
    ExecResult r = ns.execOk("ping", "-c", "5", "-i", "0.2", "-W", "15", MORGANA);
    assertTrue(r.stdout().contains("5 packets transmitted, 5 received"), r.toString());
  }

  @Test
  void xenEcho_ping_4000Bytes_fragmentedBothWays() {
    HostTools.require("ping");
    ExecResult r = ns.execOk("ping", "-c", "3", "-i", "0.2", "-W", "15", "-s", "4000", MORGANA);
    assertTrue(r.stdout().contains("3 packets transmitted, 3 received"), r.toString());
  }

  @Test
  void xenEcho_neighbourIsTheNetfrontsMac() {
    HostTools.require("ping");
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
    ExecResult r = ns.execOk("ip", "neigh", "show", MORGANA);
    assertTrue(r.stdout().contains(MAC), r.toString());
  }

  @Test
  void xenEcho_udp_socatRoundTrip() {
    HostTools.require("socat");
    ExecResult r = ns.execOk(Duration.ofSeconds(30),
        "socat", "-T", "20", "UDP:" + MORGANA + ":7", "SYSTEM:echo hello-through-netif; head -n1 >&2");
    assertTrue(r.stderr().contains("hello-through-netif"), r.toString());
  }
}
