package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session with the Linux kernel — ARP, pings (one of them fragmented), a UDP echo, a datagram to
 * a closed port — recorded by testkit's {@code PcapNetif} under the echo kernel, then read back by
 * {@code tcpdump -r}: the file must parse cleanly, hold one packet per recorded frame, and show
 * each exchange.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoPcapInteropTest {

  @Test
  void session_recordedByPcapNetif_readsCleanlyInTcpdump(NetworkNamespace ns, @TempDir Path dir)
      throws Exception {
    HostTools.require("ping", "arping", "socat", "tcpdump");
    Path file = dir.resolve("echo-session.pcap");
    EchoTapInteropTest.addTap(ns, EchoTapInteropTest.TAP);
    long recorded;
    PcapTapKernel[] component = new PcapTapKernel[1];
    try (InProcessKernel<EchoServer> kernel =
        InProcessKernel.boot(
            ns,
            (a, loop, lifecycle) -> component[0] = DaggerPcapTapKernel.factory().create(a, loop, lifecycle, file),
            "--net=tap:" + EchoTapInteropTest.TAP,
            "--ipv4=192.0.2.2/24",
            "--mac=" + EchoTapInteropTest.MAC)) {
      EchoTapInteropTest.awaitLinkUp(ns, EchoTapInteropTest.TAP);
      ns.execOk("arping", "-c", "1", "-w", "10", "-I", EchoTapInteropTest.TAP, "192.0.2.2");
      ns.execOk("ping", "-c", "2", "-i", "0.2", "-W", "15", "192.0.2.2");
      ns.execOk("ping", "-c", "1", "-W", "15", "-s", "4000", "192.0.2.2");
      ns.execOk(
          Duration.ofSeconds(30),
          "socat", "-T", "20", "UDP:192.0.2.2:7", "SYSTEM:echo pcap-line; head -n1 >&2");
      ns.exec(
          Duration.ofSeconds(30),
          "socat", "-T", "20", "UDP:192.0.2.2:9", "SYSTEM:echo closed; head -n1 >&2");
      recorded = kernel.onLoop(() -> component[0].pcap().recordedFrames());
    }
    assertTrue(Files.size(file) > 24, "pcap file has records");

    ExecResult read = ns.execOk("tcpdump", "-r", file.toString(), "-nn", "-v");
    String out = read.stdout();
    assertTrue(read.stderr().contains("link-type EN10MB"), read.toString());
    for (String bad : new String[] {"truncated", "bogus", "bad cksum", "[|"}) {
      assertTrue(!out.contains(bad) && !read.stderr().contains(bad), "tcpdump found '" + bad + "':\n" + read);
    }
    for (String expected :
        new String[] {
          "Request who-has 192.0.2.2 tell 192.0.2.2", // RFC 5227 announcement at start
          "Request who-has 192.0.2.2 (ff:ff:ff:ff:ff:ff) tell 192.0.2.1",
          "Reply 192.0.2.2 is-at " + EchoTapInteropTest.MAC,
          "192.0.2.1 > 192.0.2.2: ICMP echo request",
          "192.0.2.2 > 192.0.2.1: ICMP echo reply",
          // the 4000-byte ping: first fragments (More Fragments set) both ways
          "192.0.2.1 > 192.0.2.2: ICMP echo request, id",
          "192.0.2.2 > 192.0.2.1: ICMP echo reply, id",
          "192.0.2.2.7 > 192.0.2.1.",
          "udp port 9 unreachable"
        }) {
      assertTrue(out.contains(expected), "tcpdump -r shows no '" + expected + "':\n" + out);
    }
    assertTrue(
        Pattern.compile("192\\.0\\.2\\.1 > 192\\.0\\.2\\.2: ICMP echo request, id \\d+, seq \\d+, length 1480")
            .matcher(out).find(),
        "the kernel's 4000-byte request arrives in fragments:\n" + out);
    assertTrue(
        Pattern.compile("192\\.0\\.2\\.2 > 192\\.0\\.2\\.1: ICMP echo reply, id \\d+, seq \\d+, length 1480")
            .matcher(out).find(),
        "Morgana's 4000-byte reply leaves in fragments:\n" + out);
    assertTrue(out.contains("offset 2960, flags [none]"), "last fragments:\n" + out);
    // One packet per recorded frame: nothing lost or split in the file.
    ExecResult brief = ns.execOk("tcpdump", "-r", file.toString(), "-nn", "-q");
    long packets = brief.stdout().lines().filter(l -> !l.isBlank()).count();
    assertEquals(recorded, packets, brief.stdout());
  }
}
