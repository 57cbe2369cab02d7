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
 * {@link EchoTap#main} as a process, in a test network namespace: a missing {@code /dev/net/tun}
 * or a missing {@code CAP_NET_ADMIN} is one clear message naming the device, {@code
 * /dev/net/tun} and {@code CAP_NET_ADMIN}, with no stack trace, and exit status 1 (issue 3).
 */
@ExtendWith(NetworkNamespaceExtension.class)
class EchoTapMainInteropTest {

  @Test
  void withoutCapNetAdmin_exitsOneNamingTheDeviceAndTheCapability(NetworkNamespace ns) {
    HostTools.require("setpriv");
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"));
    cmd.addAll(echoTap("--net=tap:mgperm0", "--ipv4=192.0.2.2/24"));
    ExecResult r = ns.exec(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    assertEquals(1, r.exitCode(), r.toString());
    assertOneClearMessage(r, "mgperm0");
    assertTrue(r.stderr().contains("EPERM"), r.toString());
    assertFalse(ns.exec("ip", "link", "show", "mgperm0").ok(), "no device was created");
  }

  @Test
  void withoutDevNetTun_exitsOneNamingTheDeviceAndTheCapability(NetworkNamespace ns) {
    HostTools.require("unshare", "mount", "sh");
    // A private mount namespace in which /dev/net is an empty tmpfs: /dev/net/tun is missing.
    String java = String.join(" ", echoTap("--net=tap:mgnodev0").stream().map(a -> "'" + a + "'").toList());
    ExecResult r =
        ns.exec(
            Duration.ofSeconds(60),
            "unshare", "--mount", "--propagation", "private",
            "sh", "-c", "mount -t tmpfs none /dev/net && exec " + java);
    assertEquals(1, r.exitCode(), r.toString());
    assertOneClearMessage(r, "mgnodev0");
    assertTrue(r.stderr().contains("ENOENT"), r.toString());
  }

  @Test
  void help_listsTheKeysOfEveryModule(NetworkNamespace ns) {
    ExecResult r = ns.exec(Duration.ofSeconds(60), echoTap("--help").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.toString());
    for (String key : new String[] {"--net=VALUE", "--mac=VALUE", "--ipv4=VALUE", "--ipv4-gateway=VALUE", "--port=VALUE", "--logs=VALUE"}) {
      assertTrue(r.stdout().contains(key), r.toString());
    }
  }

  @Test
  void malformedNet_exitsTwoQuotingIt(NetworkNamespace ns) {
    ExecResult r = ns.exec(Duration.ofSeconds(60), echoTap("--net=eth0").toArray(String[]::new));
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("'eth0'") && r.stderr().contains("tap:NAME"), r.toString());
  }

  private static void assertOneClearMessage(ExecResult r, String device) {
    String err = r.stderr();
    assertTrue(err.contains("TAP device " + device), r.toString());
    assertTrue(err.contains("/dev/net/tun"), r.toString());
    assertTrue(err.contains("CAP_NET_ADMIN"), r.toString());
    assertFalse(err.contains("\tat "), "no stack trace:\n" + r);
    long lines = err.lines().filter(l -> l.contains("CAP_NET_ADMIN")).count();
    assertEquals(1, lines, "one message:\n" + r);
  }

  /** {@code java -cp <this test's class path> io.morgana.examples.echo.EchoTap ARGS}. */
  private static List<String> echoTap(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(EchoTap.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }
}
