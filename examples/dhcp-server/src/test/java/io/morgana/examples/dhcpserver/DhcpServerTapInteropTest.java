package io.morgana.examples.dhcpserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.net.dhcp.client.DhcpLease;
import io.morgana.net.dhcp.server.ServerLease;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: {@code dhcp-server-tap}'s kernel inside a test namespace, serving {@code udhcpc} and
 * {@code dhclient} on the kernel side of its TAP device (lease, renew, release), and Morgana's own
 * client on a second TAP bridged to the first.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class DhcpServerTapInteropTest {

  static final String SERVER_TAP = "mgs0";
  static final String CLIENT_TAP = "mgc0";

  private InProcessKernel<DhcpServerApp> server;
  private InProcessKernel<LeaseWatcher> client;

  @AfterEach
  void shutDown() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void bootServer(NetworkNamespace ns, Path dir, int leaseSeconds) throws Exception {
    ns.execOk("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    ns.execOk("ip", "tuntap", "add", "dev", SERVER_TAP, "mode", "tap");
    ns.execOk("ip", "link", "set", SERVER_TAP, "up");
    server = InProcessKernel.boot(ns, DaggerTapKernel.factory()::create, "--net=tap:" + SERVER_TAP, "--ipv4=192.0.2.1/24",
        "--dhcp-range=192.0.2.100-192.0.2.200", "--dhcp-router=192.0.2.1", "--dhcp-dns=192.0.2.53",
        "--dhcp-lease-time=" + leaseSeconds, "--lease-db=" + dir.resolve("leases"));
    awaitLinkUp(ns, SERVER_TAP);
  }

  private List<ServerLease> serverLeases() throws Exception {
    return server.onLoop(() -> server.application().server().server().leases());
  }

  static Path script(Path dir, String body) throws Exception {
    Path s = dir.resolve("script.sh");
    Files.writeString(s, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
    return s;
  }

  @Test
  void udhcpc_lease_renew_release(NetworkNamespace ns, @TempDir Path dir) throws Exception {
    HostTools.require("busybox");
    bootServer(ns, dir, 10);
    Path events = dir.resolve("events");
    Files.createFile(events);
    // udhcpc reports through its script; on bound it configures the address so that it can renew
    // by unicast from it.
    Path script = script(dir, "echo \"$1 $ip $subnet $router $dns $lease\" >> " + events + "\n"
        + "case \"$1\" in bound) ip addr add $ip/$subnet dev $interface ;; esac\n");
    Process udhcpc = ns.start(new ProcessBuilder("busybox", "udhcpc", "-i", SERVER_TAP, "-f", "-R", "-t", "5", "-T", "2",
        "-s", script.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("udhcpc.log").toFile()));
    String bound = awaitLine(events, "bound ", 30, dir.resolve("udhcpc.log"));
    assertTrue(bound.startsWith("bound 192.0.2.100 255.255.255.0 192.0.2.1 192.0.2.53 10"), bound);
    assertEquals(List.of(Ipv4Address.parse("192.0.2.100")), serverLeases().stream().map(ServerLease::address).toList());
    String renew = awaitLine(events, "renew ", 30, dir.resolve("udhcpc.log"));
    assertTrue(renew.startsWith("renew 192.0.2.100 "), renew);
    assertTrue(Files.readString(dir.resolve("leases")).contains(" 192.0.2.100 "));
    udhcpc.destroy(); // SIGTERM: with -R, udhcpc releases the lease on its way out
    assertTrue(udhcpc.waitFor(20, TimeUnit.SECONDS));
    await(() -> serverLeases().isEmpty(), 20, "the server still holds the lease after udhcpc's RELEASE");
  }

  @Test
  void dhclient_lease_renew_release(NetworkNamespace ns, @TempDir Path dir) throws Exception {
    HostTools.require("dhclient");
    bootServer(ns, dir, 20);
    Path events = dir.resolve("events");
    Files.createFile(events);
    Path script = script(dir, "echo \"$reason $new_ip_address $new_subnet_mask $new_routers $new_domain_name_servers\" >> "
        + events + "\n"
        + "case \"$reason\" in BOUND|RENEW|REBIND|REBOOT) ip addr replace $new_ip_address/$new_subnet_mask dev $interface ;; esac\n");
    String lf = dir.resolve("dhclient.leases").toString();
    String pf = dir.resolve("dhclient.pid").toString();
    ns.start(new ProcessBuilder("dhclient", "-d", "-v", "-1", "-sf", script.toString(), "-lf", lf, "-pf", pf, SERVER_TAP)
        .redirectErrorStream(true).redirectOutput(dir.resolve("dhclient.log").toFile()));
    String bound = awaitLine(events, "BOUND ", 40, dir.resolve("dhclient.log"));
    assertTrue(bound.startsWith("BOUND 192.0.2.100 255.255.255.0 192.0.2.1 192.0.2.53"), bound);
    assertEquals(1, serverLeases().size());
    String renew = awaitLine(events, "RENEW ", 40, dir.resolve("dhclient.log"));
    assertTrue(renew.startsWith("RENEW 192.0.2.100 "), renew);
    ExecResult release =
        ns.exec(java.time.Duration.ofSeconds(30), "dhclient", "-r", "-v", "-sf", script.toString(), "-lf", lf, "-pf", pf, SERVER_TAP);
    assertEquals(0, release.exitCode(), release.toString());
    await(() -> serverLeases().isEmpty(), 20, "the server still holds the lease after dhclient -r: " + Files.readString(dir.resolve("dhclient.log")));
  }

  @Test
  void morganaClient_againstMorganaServer_overBridgedTaps(NetworkNamespace ns, @TempDir Path dir) throws Exception {
    HostTools.require("ping");
    bootServer(ns, dir, 3600);
    ns.execOk("ip", "tuntap", "add", "dev", CLIENT_TAP, "mode", "tap");
    ns.execOk("ip", "link", "add", "br0", "type", "bridge");
    ns.execOk("ip", "link", "set", SERVER_TAP, "master", "br0");
    ns.execOk("ip", "link", "set", CLIENT_TAP, "master", "br0");
    ns.execOk("ip", "addr", "add", "192.0.2.254/24", "dev", "br0");
    ns.execOk("ip", "link", "set", "br0", "up");
    ns.execOk("ip", "link", "set", CLIENT_TAP, "up");
    client = InProcessKernel.boot(ns, DaggerClientTapKernel.factory()::create, "--net=tap:" + CLIENT_TAP, "--dhcp",
        "--mac=02:00:5e:10:00:77");
    awaitLinkUp(ns, CLIENT_TAP);
    await(() -> client.application().leases.lease().isPresent(), 60, "no lease");
    DhcpLease lease = client.application().leases.lease().orElseThrow();
    assertEquals("192.0.2.100/24", lease.address().toString());
    assertEquals(Optional.of(Ipv4Address.parse("192.0.2.1")), lease.gateway());
    assertEquals(List.of(Ipv4Address.parse("192.0.2.53")), lease.dnsServers());
    assertEquals(1, serverLeases().size());
    ExecResult ping = ns.exec("ping", "-c", "2", "-i", "0.3", "-W", "10", "192.0.2.100");
    assertTrue(ping.stdout().contains("2 received"), ping.toString());
  }

  static String awaitLine(Path file, String prefix, int seconds, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() - deadline < 0) {
      for (String l : Files.readAllLines(file)) {
        if (l.startsWith(prefix)) {
          return l;
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new AssertionError("no '" + prefix + "' event within " + seconds + " s: " + Files.readString(file) + "\nlog:\n"
        + (Files.exists(log) ? Files.readString(log) : "(none)"));
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void await(Check check, int seconds, String message) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!check.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(message);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

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
}
