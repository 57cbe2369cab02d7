package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link EchoPacket#main} as a process in a test network namespace: an interface Morgana cannot
 * own — missing, addressed by the host, or without {@code CAP_NET_RAW} — is one clear message
 * naming it, with no stack trace, and exit status 1; a malformed {@code --net} is status 2.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoPacketMainInteropTest {

  @Test
  void missingInterface_exitsOneNamingIt(NetworkNamespace ns) {
    ExecResult r = ns.exec(Duration.ofSeconds(60), echoPacket("--net=packet:mgabsent0", "--ipv4=192.0.2.2/24").toArray(String[]::new));
    assertEquals(1, r.exitCode(), r.toString());
    assertOneClearMessage(r, "network interface mgabsent0 does not exist");
  }

  @Test
  void interfaceWithAHostAddress_exitsOneSayingMorganaMustOwnIt(NetworkNamespace ns) {
    HostTools.require("ethtool");
    EchoPacketInteropTest.vethPair(ns); // the Linux end has 192.0.2.1
    ExecResult r = ns.exec(Duration.ofSeconds(60),
        echoPacket("--net=packet:" + EchoPacketInteropTest.LINUX_DEV, "--ipv4=192.0.2.2/24").toArray(String[]::new));
    assertEquals(1, r.exitCode(), r.toString());
    assertOneClearMessage(r, "has the host's IPv4 address 192.0.2.1");
  }

  @Test
  void withoutCapNetRaw_exitsOneNamingTheCapability(NetworkNamespace ns) {
    HostTools.require("setpriv", "ethtool");
    EchoPacketInteropTest.vethPair(ns);
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"));
    cmd.addAll(echoPacket("--net=packet:" + EchoPacketInteropTest.MORGANA_DEV, "--ipv4=192.0.2.2/24"));
    ExecResult r = ns.exec(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    assertEquals(1, r.exitCode(), r.toString());
    assertOneClearMessage(r, "CAP_NET_RAW");
    assertTrue(r.stderr().contains("EPERM"), r.toString());
  }

  @Test
  void malformedNet_exitsTwoQuotingIt(NetworkNamespace ns) {
    ExecResult r = ns.exec(Duration.ofSeconds(60), echoPacket("--net=tap:tap0").toArray(String[]::new));
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("packet:IFACE"), r.toString());
  }

  @Test
  void help_listsTheKeysOfEveryModule(NetworkNamespace ns) {
    ExecResult r = ns.exec(Duration.ofSeconds(60), echoPacket("--help").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.toString());
    for (String key : new String[] {"--net=VALUE", "--mac=VALUE", "--ipv4=VALUE", "--dhcp", "--port=VALUE"}) {
      assertTrue(r.stdout().contains(key), key + " in\n" + r);
    }
  }

  private static void assertOneClearMessage(ExecResult r, String text) {
    String err = r.stderr();
    assertTrue(err.contains(text), r.toString());
    assertFalse(err.contains("\tat "), "no stack trace:\n" + r);
    assertEquals(1, err.lines().filter(l -> l.contains(text)).count(), "one message:\n" + r);
  }

  /** {@code java -cp <this test's class path> io.morgana.examples.echo.EchoPacket ARGS}. */
  static List<String> echoPacket(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(EchoPacket.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }
}
