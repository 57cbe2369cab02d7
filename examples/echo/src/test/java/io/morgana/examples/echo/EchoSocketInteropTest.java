package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.runtime.LoopBridge;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The echo application over the host's sockets ({@link SocketKernel}, booted in this JVM as
 * {@link Kernel} boots it) answering {@code socat} and {@code nc} on 127.0.0.1: UDP and TCP
 * echo, discard and chargen on ports the host hands out (above 1023: no privileges needed).
 */
class EchoSocketInteropTest {

  private KernelLoop loop;
  private Lifecycle lifecycle;
  private EchoServer echo;
  private int echoPort;
  private int discardPort;
  private int chargenPort;

  @BeforeEach
  void boot() throws Exception {
    HostTools.require("socat", "nc", "sha256sum", "head");
    int[] ports = LoopbackPeers.freePorts(3);
    echoPort = ports[0];
    discardPort = ports[1];
    chargenPort = ports[2];
    BootArguments args = BootArguments.parse(Kernel.bootKeys(DaggerSocketKernel.factory()::create),
        "--port=" + echoPort, "--discard-port=" + discardPort, "--chargen-port=" + chargenPort);
    loop = new KernelLoop("echo-socket-test");
    loop.start();
    lifecycle = new Lifecycle();
    Application app = DaggerSocketKernel.factory().create(args, loop, lifecycle).application();
    echo = (EchoServer) app;
    new LoopBridge(loop).runAndWait(() -> app.start(), Duration.ofSeconds(30));
    LoopbackPeers.awaitListening(List.of(echoPort, discardPort, chargenPort), Duration.ofSeconds(30));
  }

  @AfterEach
  void shutDown() {
    if (loop != null) {
      loop.close();
    }
    if (lifecycle != null) {
      lifecycle.close();
    }
  }

  @Test
  void udpEcho_answersSocat() throws Exception {
    ExecResult r = LoopbackPeers.sh(Duration.ofSeconds(30),
        "printf 'hello morgana' | socat -t 10 -T 10 - UDP4:127.0.0.1:" + echoPort);
    assertEquals("hello morgana", r.stdout(), r.toString());
  }

  @Test
  void tcpEcho_4MiBThroughSocat_sha256Equal(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in");
    byte[] data = new byte[4 << 20];
    new java.util.SplittableRandom(7).nextBytes(data);
    Files.write(in, data);
    // socat shuts its output down at the end of its input (-t: then waits up to 60 s for the rest).
    ExecResult r = LoopbackPeers.sh(Duration.ofSeconds(120),
        "socat -t 60 -T 60 - TCP4:127.0.0.1:" + echoPort + " < " + in + " | sha256sum; sha256sum < " + in);
    List<String> sums = r.stdout().lines().toList();
    assertEquals(2, sums.size(), r.toString());
    assertEquals(sums.get(1), sums.get(0), "SHA-256 of what came back, of what was sent");
    assertTrue(echo.tcpEcho().bytes() >= data.length, "echoed " + echo.tcpEcho().bytes());
  }

  @Test
  void discard_takes4MiBFromNc() throws Exception {
    int n = 4 << 20;
    ExecResult r = LoopbackPeers.sh(Duration.ofSeconds(120),
        "head -c " + n + " /dev/zero | nc -N -w 60 127.0.0.1 " + discardPort);
    assertEquals(0, r.exitCode(), r.toString());
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (echo.discardChargen().discarded() < n && System.nanoTime() - end < 0) {
      Thread.sleep(20);
    }
    assertEquals(n, echo.discardChargen().discarded());
  }

  @Test
  void chargen_gives4MiBOfTheRfcPatternToNc() throws Exception {
    int n = 4 << 20;
    ExecResult r = LoopbackPeers.sh(Duration.ofSeconds(120),
        "nc -d -w 60 127.0.0.1 " + chargenPort + " | head -c " + n + " | sha256sum");
    byte[] expected = new byte[n];
    for (int i = 0; i < n; i++) {
      expected[i] = DiscardChargen.PATTERN[i % DiscardChargen.PATTERN.length];
    }
    String sum = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(expected));
    assertTrue(r.stdout().startsWith(sum), "SHA-256 " + sum + " expected:\n" + r);
  }
}
