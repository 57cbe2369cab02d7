package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code target/echo-socket.jar} (run by the pom's {@code runnable-jars} execution,
 * after {@code package}): it carries no TAP, AF_PACKET, Xen or Morgana TCP/IP classes, and as a process it
 * answers {@code socat} on 127.0.0.1 with UDP and TCP echo.
 */
class EchoSocketJarIT {

  private static Path jar;

  @BeforeAll
  static void builtJar() {
    String dir = System.getProperty(EchoPacketJarIT.JARS_PROPERTY);
    Assumptions.assumeTrue(dir != null, "runs in the integration-test phase, after the package phase built the jar (-D"
        + EchoPacketJarIT.JARS_PROPERTY + " unset)");
    jar = Path.of(dir, "echo-socket.jar");
  }

  /** Packages the socket target must not carry: device drivers and the stack it replaces. */
  private static final List<String> FORBIDDEN = List.of(
      "io/morgana/net/tap/", "io/morgana/net/packet/", "io/morgana/xen/", "io/morgana/net/tcpip/",
      "io/morgana/net/dhcp/");

  @Test
  void carriesTheSocketStackAndNoTapPacketXenOrTcpipClasses() throws Exception {
    assertTrue(Files.isRegularFile(jar), jar.toAbsolutePath() + " (built by mvn package)");
    List<String> offending = new ArrayList<>();
    boolean socketStack = false;
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      assertEquals(EchoSocket.class.getName(), main.getValue(Attributes.Name.MAIN_CLASS));
      assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"));
      for (JarEntry e : java.util.Collections.list(file.entries())) {
        String name = e.getName();
        socketStack |= name.equals("io/morgana/net/socket/SocketStack.class");
        boolean otherTarget = name.startsWith("io/morgana/examples/echo/")
            && (name.contains("Tap") || name.contains("Xen") || name.contains("Packet"));
        if (otherTarget || FORBIDDEN.stream().anyMatch(name::startsWith)) {
          offending.add(name);
        }
      }
    }
    assertTrue(socketStack, "net-socket is in the jar");
    assertEquals(List.of(), offending, "classes of other targets in echo-socket.jar");
  }

  @Test
  void help_listsListenAndThePorts_andABadListenAddressExitsTwo() throws Exception {
    ExecResult help = LoopbackPeers.sh(Duration.ofSeconds(60), java() + " --help");
    assertEquals(0, help.exitCode(), help.toString());
    for (String key : new String[] {"--listen=VALUE", "--port=VALUE", "--discard-port=VALUE", "--chargen-port=VALUE"}) {
      assertTrue(help.stdout().contains(key), help.toString());
    }
    assertFalse(help.stdout().contains("--net="), "no TAP key:\n" + help);
    ExecResult bad = LoopbackPeers.sh(Duration.ofSeconds(60), java() + " --listen=localhost");
    assertEquals(2, bad.exitCode(), bad.toString());
    assertTrue(bad.stderr().contains("localhost"), bad.toString());
  }

  @Test
  void asAProcess_answersSocatOverUdpAndTcp() throws Exception {
    HostTools.require("socat");
    int[] ports = LoopbackPeers.freePorts(3);
    Process kernel = new ProcessBuilder("sh", "-c", java() + " --port=" + ports[0] + " --discard-port=" + ports[1]
        + " --chargen-port=" + ports[2])
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      LoopbackPeers.awaitListening(List.of(ports[0], ports[1], ports[2]), Duration.ofSeconds(60));
      ExecResult udp = LoopbackPeers.sh(Duration.ofSeconds(30),
          "printf 'over udp' | socat -t 10 -T 10 - UDP4:127.0.0.1:" + ports[0]);
      assertEquals("over udp", udp.stdout(), udp.toString());
      ExecResult tcp = LoopbackPeers.sh(Duration.ofSeconds(60),
          "head -c 1048576 /dev/urandom > /tmp/morgana-echo-socket-$$; "
              + "socat -t 30 -T 30 - TCP4:127.0.0.1:" + ports[0] + " < /tmp/morgana-echo-socket-$$ | sha256sum; "
              + "sha256sum < /tmp/morgana-echo-socket-$$; rm -f /tmp/morgana-echo-socket-$$");
      List<String> sums = tcp.stdout().lines().toList();
      assertEquals(2, sums.size(), tcp.toString());
      assertEquals(sums.get(1), sums.get(0), "SHA-256 of 1 MiB echoed over TCP");
    } finally {
      kernel.destroy();
      if (!kernel.waitFor(30, TimeUnit.SECONDS)) {
        kernel.destroyForcibly().waitFor();
      }
    }
  }

  /** {@code exec JAVA -jar target/echo-socket.jar} with this JVM's java. */
  private static String java() {
    return "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -jar '" + jar.toAbsolutePath() + "'";
  }
}
