package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: {@code echo-tap --net=tap:NAME --dhcp} against {@code dnsmasq} inside a test
 * namespace. dnsmasq serves 192.0.2.100–150 with two-minute leases (its shortest) on the kernel
 * side of the TAP; the echo kernel comes up unconfigured, takes a lease, answers pings on the
 * leased address, and renews at T1 (one minute in).
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoDhcpInteropTest {

  static final String TAP = "mg0";
  static final String MAC = "02:00:5e:10:00:12";

  @Test
  void dhcp_leaseFromDnsmasq_answersPingsThere_andRenewsAtT1(NetworkNamespace ns, @TempDir Path dir) throws Exception {
    HostTools.require("dnsmasq", "ping");
    ns.execOk("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
    ns.execOk("ip", "addr", "add", "192.0.2.1/24", "dev", TAP);
    ns.execOk("ip", "link", "set", TAP, "up");
    Path leases = dir.resolve("dnsmasq.leases");
    Files.createFile(leases);
    File log = dir.resolve("dnsmasq.log").toFile();
    ProcessBuilder dnsmasq = new ProcessBuilder("dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--interface=" + TAP,
        "--bind-interfaces", "--port=0", "--dhcp-range=192.0.2.100,192.0.2.150,2m", "--dhcp-leasefile=" + leases,
        "--dhcp-authoritative", "--log-dhcp", "--log-facility=-", "--pid-file=" + dir.resolve("dnsmasq.pid"))
        .redirectErrorStream(true).redirectOutput(log);
    ns.start(dnsmasq);
    try (InProcessKernel<EchoServer> kernel =
        InProcessKernel.boot(ns, DaggerTapKernel.factory()::create, "--net=tap:" + TAP, "--dhcp", "--mac=" + MAC)) {
      String line = awaitLease(leases, 60);
      String[] f = line.split(" ");
      String address = f[2];
      long firstExpiry = Long.parseLong(f[0]);
      assertTrue(address.startsWith("192.0.2."), line);
      // dnsmasq writes the lease when it ACKs; Morgana first probes the address with ARP (3 s).
      awaitPing(ns, address, 30);
      ExecResult ping = ns.exec("ping", "-c", "3", "-i", "0.3", "-W", "10", address);
      assertTrue(ping.stdout().contains("3 received"), ping + "\n" + Files.readString(log.toPath()));
      // T1 is 60 s into the 120 s lease; dnsmasq moves the expiry when it ACKs the renewal.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
      String renewed = line;
      while (System.nanoTime() - deadline < 0) {
        renewed = awaitLease(leases, 5);
        if (Long.parseLong(renewed.split(" ")[0]) > firstExpiry) {
          break;
        }
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
      }
      assertNotEquals(firstExpiry, Long.parseLong(renewed.split(" ")[0]), "no renewal: " + Files.readString(log.toPath()));
      assertTrue(renewed.contains(" " + address + " "), renewed);
      ExecResult again = ns.exec("ping", "-c", "2", "-i", "0.3", "-W", "10", address);
      assertTrue(again.stdout().contains("2 received"), again.toString());
    }
  }

  static void awaitPing(NetworkNamespace ns, String address, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() - deadline < 0) {
      if (ns.exec("ping", "-c", "1", "-W", "1", address).ok()) {
        return;
      }
    }
    throw new AssertionError("no answer to ping from " + address + " within " + seconds + " s");
  }

  /** The lease line of {@link #MAC} in dnsmasq's lease file ({@code EXPIRY MAC IP NAME CLIENT-ID}). */
  static String awaitLease(Path leases, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() - deadline < 0) {
      for (String l : Files.readAllLines(leases)) {
        if (l.contains(MAC)) {
          return l;
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new AssertionError("no lease for " + MAC + " within " + seconds + " s");
  }
}
