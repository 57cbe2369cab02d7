package io.morgana.examples.website;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Each runnable jar holds only what its target reaches (run after packaging, in the
 * integration-test phase): the socket jar has no TCP/IP stack, TAP driver or Xen code; the TAP
 * jar has no host-socket stack or Xen code; the Xen jar no host-socket stack (it has net-tap: the
 * simulated dom0 bridges the vif to a TAP device); the appliances' jars hold Init and the one
 * driver of their hypervisor (AF_PACKET for QEMU; netfront and blkfront on Linux's /dev/xen for
 * Xen, without the simulated dom0); none has another target's component.
 */
class JarContentsTest {

  static List<String> entries(String jar) throws Exception {
    Path p = Path.of("target", jar);
    assertTrue(p.toFile().isFile(), p + " is built");
    try (JarFile f = new JarFile(p.toFile())) {
      return f.stream().map(e -> e.getName()).toList();
    }
  }

  static boolean has(List<String> entries, String prefix) {
    return entries.stream().anyMatch(e -> e.startsWith(prefix) && e.endsWith(".class"));
  }

  @Test
  void socketJar_noStackNoTapNoXen() throws Exception {
    List<String> e = entries("static-website-socket.jar");
    assertTrue(has(e, "io/morgana/net/socket/"));
    assertTrue(has(e, "io/morgana/http/"));
    assertTrue(has(e, "io/morgana/fs/fat/"));
    assertTrue(has(e, "io/morgana/examples/website/socket/"));
    assertFalse(has(e, "io/morgana/net/tcpip/"));
    assertFalse(has(e, "io/morgana/net/tap/"));
    assertFalse(has(e, "io/morgana/xen/"));
    assertFalse(has(e, "io/morgana/examples/website/tap/"));
    assertFalse(has(e, "io/morgana/examples/website/xen/"));
  }

  @Test
  void tapJar_noSocketStackNoXen() throws Exception {
    List<String> e = entries("static-website-tap.jar");
    assertTrue(has(e, "io/morgana/net/tcpip/"));
    assertTrue(has(e, "io/morgana/net/tap/"));
    assertTrue(has(e, "io/morgana/http/"));
    assertTrue(has(e, "io/morgana/examples/website/tap/"));
    assertFalse(has(e, "io/morgana/net/socket/"));
    assertFalse(has(e, "io/morgana/xen/"));
    assertFalse(has(e, "io/morgana/examples/website/socket/"));
    assertFalse(has(e, "io/morgana/examples/website/xen/"));
  }

  @Test
  void xenJar_noSocketStackNoTapTarget() throws Exception {
    List<String> e = entries("static-website-xen.jar");
    assertTrue(has(e, "io/morgana/xen/netfront/"));
    assertTrue(has(e, "io/morgana/xen/blkfront/"));
    assertTrue(has(e, "io/morgana/net/tcpip/"));
    assertTrue(has(e, "io/morgana/examples/website/xen/"));
    assertFalse(has(e, "io/morgana/net/socket/"));
    assertFalse(has(e, "io/morgana/examples/website/tap/"));
    assertFalse(has(e, "io/morgana/examples/website/socket/"));
  }

  @Test
  void applianceJar_packetAndInit_noXenNoTapDriverNoSocketStack() throws Exception {
    List<String> e = entries("static-website-appliance.jar");
    assertTrue(has(e, "io/morgana/net/packet/"));
    assertTrue(has(e, "io/morgana/net/dhcp/"));
    assertTrue(has(e, "io/morgana/appliance/"));
    assertTrue(e.contains("io/morgana/examples/website/appliance/DaggerPacketKernel.class"), "the QEMU appliance's component");
    assertFalse(has(e, "io/morgana/xen/"));
    assertFalse(has(e, "io/morgana/net/tap/"));
    assertFalse(has(e, "io/morgana/net/socket/"));
    assertFalse(has(e, "io/morgana/examples/website/appliance/xen/"));
    assertFalse(has(e, "io/morgana/examples/website/xen/"));
    assertFalse(has(e, "io/morgana/examples/website/tap/"), "the TAP target: appliance.target has the port and the URL's host");
    assertTrue(has(e, "io/morgana/examples/website/appliance/target/ApplianceTargetModule"));
  }

  @Test
  void xenApplianceJar_netfrontBlkfrontLinuxPlatformAndInit_noPacketNoTapNoSimulatedDom0() throws Exception {
    List<String> e = entries("static-website-xen-appliance.jar");
    assertTrue(has(e, "io/morgana/xen/netfront/"));
    assertTrue(has(e, "io/morgana/xen/blkfront/"));
    assertTrue(has(e, "io/morgana/xen/linux/"));
    assertTrue(has(e, "io/morgana/net/dhcp/"));
    assertTrue(has(e, "io/morgana/appliance/"));
    assertTrue(e.contains("io/morgana/examples/website/appliance/xen/DaggerXenApplianceKernel.class"), "its component");
    assertTrue(e.contains("io/morgana/examples/website/appliance/target/ApplianceTargetModule.class"),
        "--port and the URL's host from the lease, shared with the QEMU appliance");
    assertFalse(has(e, "io/morgana/net/packet/"));
    assertFalse(has(e, "io/morgana/net/tap/"));
    assertFalse(has(e, "io/morgana/net/socket/"));
    assertFalse(e.contains("io/morgana/examples/website/appliance/DaggerPacketKernel.class"), "the QEMU appliance's component");
    assertFalse(has(e, "io/morgana/examples/website/xen/"), "the simulated Xen target (its component, its dom0)");
    assertFalse(has(e, "io/morgana/examples/website/tap/"));
    assertFalse(has(e, "io/morgana/examples/website/socket/"));
  }
}
