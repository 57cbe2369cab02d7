package io.morgana.examples.website;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.appliance.InitPlan;
import io.morgana.appliance.KernelCommandLine;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Xen appliance started as its {@code xl} file starts it, on the simulated hypervisor: the
 * application's arguments are what {@link InitPlan} makes of the command line {@code appliance/build
 * --target=xen} writes (only {@code --dhcp}), so the netfront leases its address from {@code
 * dnsmasq} on the bridge (dom0's netback bridged to a TAP device in a test namespace, dnsmasq
 * serving 192.0.2.100–150 there) and the site comes from the blkfront's default vbd, {@code xvda},
 * which dom0's blkback serves from the image.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class XenApplianceDhcpInteropTest {

  /** The Linux command line of {@code static-website.xl} (XenApplianceImageIT checks the file has it). */
  static final String XL_CMDLINE = "console=hvc0 panic=-1 loglevel=4 morgana.target=xen";

  static final String TAP = "mgxa0";

  @Test
  void xlCommandLine_leasesByDhcpOverNetfront_andServesTheVbdsSiteByteForByte(NetworkNamespace ns, @TempDir Path dir)
      throws Exception {
    HostTools.require("dnsmasq", "curl");
    GeneratedSite site = new GeneratedSite(dir.resolve("site.img"));
    ns.execOk("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
    ns.execOk("ip", "addr", "add", "192.0.2.1/24", "dev", TAP);
    ns.execOk("ip", "link", "set", TAP, "up");
    Path leases = dir.resolve("dnsmasq.leases");
    Files.createFile(leases);
    File log = dir.resolve("dnsmasq.log").toFile();
    ns.start(new ProcessBuilder("dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--interface=" + TAP,
        "--bind-interfaces", "--port=0", "--dhcp-range=192.0.2.100,192.0.2.150,2m", "--dhcp-leasefile=" + leases,
        "--dhcp-authoritative", "--log-dhcp", "--log-facility=-", "--pid-file=" + dir.resolve("dnsmasq.pid"))
        .redirectErrorStream(true).redirectOutput(log));

    List<String> guest = InitPlan.from(KernelCommandLine.parse(XL_CMDLINE)).bootArguments();
    assertEquals(List.of("--dhcp"), guest, "what Init passes to the application");
    List<String> argv = new ArrayList<>(guest);
    // dom0's side, which the xl file's vif and disk lines configure on real Xen
    argv.addAll(List.of("--net=tap:" + TAP, "--disk=" + site.image, "--disk-readonly", "--no-access-log"));
    InProcessKernel<StaticWebsite> kernel = InProcessKernel.boot(ns,
        DaggerXenApplianceWebsiteInteropTest_SimulatedXenApplianceKernel.factory()::create, argv.toArray(String[]::new));
    try {
      String address = awaitLease(leases, 60).split(" ")[2];
      assertTrue(address.startsWith("192.0.2."), address);
      for (String file : List.of("index.html", "docs/index.html", "odd/100003.bin")) {
        Path got = dir.resolve("got");
        ExecResult curl = awaitCurl(ns, "http://" + address + "/" + file, got, 30);
        assertTrue(curl.ok(), curl + "\n" + Files.readString(log.toPath()));
        assertArrayEquals(site.files.get(file), Files.readAllBytes(got), file);
      }
    } finally {
      if (kernel.application().server() != null) {
        kernel.application().server().close();
      }
      kernel.close();
    }
  }

  /** curl until it succeeds: the lease is written when dnsmasq ACKs, before Morgana's ARP probe ends. */
  private static ExecResult awaitCurl(NetworkNamespace ns, String url, Path out, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecResult r;
    do {
      r = ns.exec("curl", "-sS", "--fail", "--max-time", "5", "-o", out.toString(), url);
      if (r.ok()) {
        return r;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    } while (System.nanoTime() - deadline < 0);
    return r;
  }

  /** The first lease line in dnsmasq's lease file ({@code EXPIRY MAC IP NAME CLIENT-ID}). */
  private static String awaitLease(Path leases, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() - deadline < 0) {
      List<String> lines = Files.readAllLines(leases);
      if (!lines.isEmpty()) {
        return lines.get(0);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new AssertionError("no lease within " + seconds + " s");
  }
}
