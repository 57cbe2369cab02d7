package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tcpip.tcp.TcpCounter;
import io.morgana.testkit.FaultInjectingNetif;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP to and from Linux with the fault injector on Morgana's side of the TAP (2 % loss and 2 %
 * reordering each way, {@link FaultTapKernel}): transfers through echo stay intact (SHA-256), and
 * both stacks had to recover (Morgana's retransmission counters move). SACK is on (the default),
 * so Morgana's sender recovers from Linux's SACK blocks (RFC 6675).
 */
@ExtendWith(NetworkNamespaceExtension.class)
class TcpLossyTapInteropTest {

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;
  private FaultTapKernel component;
  @TempDir Path dir;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    EchoTapInteropTest.addTap(ns, "mg0");
    AtomicReference<FaultTapKernel> c = new AtomicReference<>();
    kernel = InProcessKernel.boot(ns, (a, loop, lifecycle) -> {
      FaultTapKernel k = DaggerFaultTapKernel.factory().create(a, loop, lifecycle);
      c.set(k);
      return k;
    }, "--net=tap:mg0", "--ipv4=192.0.2.2/24", "--mac=02:00:5e:10:00:02");
    component = c.get();
    EchoTapInteropTest.awaitLinkUp(ns, "mg0");
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  @Test
  void tcp_socatThroughEcho_4MiB_with2PercentLossAndReordering_sha256Equal() throws Exception {
    HostTools.require("socat");
    byte[] data = new byte[4 << 20];
    new SplittableRandom(9).nextBytes(data);
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    Files.write(in, data);
    ExecResult r = ns.execOk(Duration.ofSeconds(240), "sh", "-c",
        "socat -t 120 -T 180 - TCP:192.0.2.2:7 < " + in + " > " + out);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    assertEquals(HexFormat.of().formatHex(sha.digest(data)),
        HexFormat.of().formatHex(sha.digest(Files.readAllBytes(out))), r.toString());
    FaultInjectingNetif.Faults f = component.faults().faults();
    assertTrue(f.dropped() > 0 && f.reordered() > 0, f.toString());
    long retransmits = kernel.onLoop(() -> component.stack().stats().get(TcpCounter.TX_RETRANSMITS)
        + component.stack().stats().get(TcpCounter.TX_FAST_RETRANSMITS)
        + component.stack().stats().get(TcpCounter.TX_SACK_RETRANSMITS));
    assertTrue(retransmits > 0, "Morgana retransmitted what the injector dropped");
    String tcp = kernel.onLoop(() -> "timeouts " + component.stack().stats().get(TcpCounter.TX_RETRANSMITS)
        + ", SACK recoveries " + component.stack().stats().get(TcpCounter.SACK_RECOVERIES)
        + ", SACK retransmissions " + component.stack().stats().get(TcpCounter.TX_SACK_RETRANSMITS));
    System.out.println("lossy echo: faults " + f + ", Morgana retransmissions " + retransmits + " (" + tcp + ")");
  }
}
