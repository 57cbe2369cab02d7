package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/echo-packet.jar}, as built by the package phase: it holds the echo kernel for
 * {@code AF_PACKET} and nothing of the other targets (no TAP driver, no Xen, no host-socket stack,
 * none of the example's other components), and as a process on a veth end it answers ping and echoes UDP.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoPacketJarIT {

  /** Set by the pom's {@code runnable-jars} execution, which runs after the package phase. */
  static final String JARS_PROPERTY = "morgana.runnableJars";

  static Path jar;

  @BeforeAll
  static void builtJar() {
    String dir = System.getProperty(JARS_PROPERTY);
    Assumptions.assumeTrue(dir != null,
        "runs in the integration-test phase, after the package phase built the jar (-D" + JARS_PROPERTY + " unset)");
    jar = Path.of(dir, "echo-packet.jar");
    assertTrue(Files.exists(jar), jar.toAbsolutePath() + " was not built");
  }

  @Test
  void holdsThePacketKernelAndNoTapXenOrSocketClass() throws Exception {
    try (JarFile file = new JarFile(jar.toFile())) {
      assertEquals("io.morgana.examples.echo.EchoPacket", file.getManifest().getMainAttributes().getValue("Main-Class"));
      assertEquals("ALL-UNNAMED", file.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
      List<String> names = file.stream().map(ZipEntry::getName).toList();
      assertTrue(names.contains("io/morgana/net/packet/PacketNetif.class"), "the driver is in");
      assertTrue(names.contains("io/morgana/examples/echo/DaggerPacketKernel.class"), "the component is in");
      List<String> foreign = names.stream()
          .filter(n -> n.startsWith("io/morgana/net/tap/") || n.startsWith("io/morgana/xen/")
              || n.startsWith("io/morgana/net/socket/")
              || (n.startsWith("io/morgana/examples/echo/")
                  && (n.contains("Tap") || n.contains("Xen") || n.contains("Socket"))))
          .toList();
      assertEquals(List.of(), foreign, "classes of other targets in echo-packet.jar");
    }
  }

  @Test
  void asAProcessOnAVethEnd_answersPingAndEchoesUdp(NetworkNamespace ns, @TempDir Path dir) throws Exception {
    HostTools.require("ping", "socat", "ethtool");
    EchoPacketInteropTest.vethPair(ns);
    Path log = dir.resolve("kernel.log");
    Process kernel = ns.start(new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toAbsolutePath().toString(),
            "--net=packet:" + EchoPacketInteropTest.MORGANA_DEV, "--ipv4=192.0.2.2/24")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile()));
    try {
      // The JVM boots for a second or more: wait for the first answer, then count.
      ExecResult up = ns.exec(Duration.ofSeconds(90), "sh", "-c",
          "for i in $(seq 1 120); do ping -c 1 -W 1 -q 192.0.2.2 >/dev/null && exit 0; sleep 0.5; done; exit 1");
      assertEquals(0, up.exitCode(), "no answer to ping from the kernel:\n" + Files.readString(log));
      ExecResult ping = ns.exec(Duration.ofSeconds(60), "ping", "-c", "3", "-i", "0.2", "-W", "15", "192.0.2.2");
      assertTrue(ping.stdout().contains("3 packets transmitted, 3 received"), ping + "\n" + Files.readString(log));
      // The stack answers pings as soon as the interface is up, a moment before the application's
      // start() listens on UDP port 7 (until then: port unreachable). Retry until it echoes.
      ExecResult udp = ns.exec(Duration.ofSeconds(60), "sh", "-c",
          "for i in $(seq 1 40); do out=$(socat -T 2 UDP:192.0.2.2:7 'SYSTEM:echo hello-from-linux; head -n1 >&2' 2>&1);"
              + " case \"$out\" in *hello-from-linux*) echo \"$out\"; exit 0;; esac; sleep 0.5; done; echo \"$out\"; exit 1");
      assertEquals(0, udp.exitCode(), udp + "\n" + Files.readString(log));
      assertTrue(udp.stdout().contains("hello-from-linux"), udp.toString());
    } finally {
      kernel.destroy();
      kernel.waitFor(20, TimeUnit.SECONDS);
      kernel.destroyForcibly();
    }
  }
}
