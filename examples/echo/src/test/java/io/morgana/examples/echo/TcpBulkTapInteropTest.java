package io.morgana.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's interop clause at its full size: 256 MiB each way between the Linux kernel's TCP and
 * Morgana's, over a TAP device in a test network namespace (Linux 192.0.2.1, the echo kernel on
 * 192.0.2.2), with the tools the issue names. Linux → Morgana through discard (RFC 863, {@code
 * socat} and {@code nc}): every byte counted. Morgana → Linux through chargen (RFC 864, {@code curl
 * telnet://}, {@code socat} and {@code nc}): the SHA-256 of the first 256 MiB equals that of the
 * RFC's pattern. Both ways at once through echo (RFC 862, {@code socat} and {@code nc}): the
 * SHA-256 of what comes back equals that of what was sent. Echo is not run through {@code curl}:
 * its telnet client does not shut down its output at the end of its input (so the echo never
 * ends), and it would take 0xFF bytes of random data for telnet commands.
 *
 * <p>The test holds none of the data (only Morgana's stack, in this JVM, buffers it in flight): it
 * is generated, hashed and counted by shell pipelines inside the namespace (the input of echo is a
 * file in the test's temporary directory); here are only the kernel's discard counter and the
 * expected chargen digest.
 *
 * <p>Runs only in its own surefire execution ({@code bulk-interop} in this module's pom), which
 * sets {@value #ENABLED_PROPERTY} and lowers Netty's leak detector from paranoid to sampling: under
 * paranoid, which records a stack trace on every buffer access, a 256 MiB transfer took 72–167 s
 * on this project's build machine. Each transfer prints its throughput, for information only.
 */
@ExtendWith(NetworkNamespaceExtension.class)
@EnabledIfSystemProperty(named = TcpBulkTapInteropTest.ENABLED_PROPERTY, matches = "true",
    disabledReason = "runs in the bulk-interop surefire execution, with the leak detector at simple")
class TcpBulkTapInteropTest {

  /** Set by the {@code bulk-interop} surefire execution, the only one meant to run this class. */
  static final String ENABLED_PROPERTY = "morgana.bulkInterop";

  static final String TAP = "mg0";
  static final String MAC = "02:00:5e:10:00:02";
  static final String MORGANA = "192.0.2.2";
  static final String LINUX = "192.0.2.1";
  static final long SIZE = 256L << 20;
  /** Per transfer, for a 2-core machine shared with other builds; a hang still ends the test. */
  static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(15);

  private NetworkNamespace ns;
  private InProcessKernel<EchoServer> kernel;
  @TempDir Path dir;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    EchoTapInteropTest.addTap(ns, TAP);
    kernel = InProcessKernel.boot(ns, DaggerTapKernel.factory()::create,
        "--net=tap:" + TAP, "--ipv4=" + MORGANA + "/24", "--mac=" + MAC);
    EchoTapInteropTest.awaitLinkUp(ns, TAP);
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  @Test
  void discard_256MiBFromLinuxThroughSocat_everyByteCounted() throws Exception {
    HostTools.require("socat", "head");
    // -u: one direction; at the end of its input socat shuts down its output (a FIN to Morgana).
    discard("socat", "socat -u -T 120 - TCP:" + MORGANA + ":" + DiscardChargen.DISCARD_PORT);
  }

  @Test
  void discard_256MiBFromLinuxThroughNc_everyByteCounted() throws Exception {
    HostTools.require("nc", "head");
    // -N: shut down the output at the end of the input; nc then waits for Morgana's FIN.
    discard("nc", "nc -N -w 120 " + MORGANA + " " + DiscardChargen.DISCARD_PORT);
  }

  /** Pipes 256 MiB of zeros into {@code client} and checks that discard counted every byte. */
  private void discard(String tool, String client) throws Exception {
    long start = System.nanoTime();
    ExecResult r = ns.execOk(TRANSFER_TIMEOUT, "sh", "-c", "head -c " + SIZE + " /dev/zero | " + client);
    // The client may end before the discard thread has read the last segments Morgana acknowledged.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (kernel.application().discardChargen().discarded() < SIZE && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(SIZE, kernel.application().discardChargen().discarded(), r.toString());
    report("discard, " + tool + ", Linux -> Morgana", seconds);
  }

  @Test
  void chargen_256MiBToLinuxThroughCurl_sha256OfTheRfc864Pattern() throws Exception {
    HostTools.require("curl", "head", "sha256sum");
    // curl's telnet:// is a raw TCP client (chargen's pattern has no telnet IAC byte, 0xFF).
    chargen("curl", "curl -sS telnet://" + MORGANA + ":" + DiscardChargen.CHARGEN_PORT + " < /dev/null");
  }

  @Test
  void chargen_256MiBToLinuxThroughSocat_sha256OfTheRfc864Pattern() throws Exception {
    HostTools.require("socat", "head", "sha256sum");
    chargen("socat", "socat -u -T 120 TCP:" + MORGANA + ":" + DiscardChargen.CHARGEN_PORT + " -");
  }

  @Test
  void chargen_256MiBToLinuxThroughNc_sha256OfTheRfc864Pattern() throws Exception {
    HostTools.require("nc", "head", "sha256sum");
    // -d: nothing to send, do not read the standard input.
    chargen("nc", "nc -d -w 120 " + MORGANA + " " + DiscardChargen.CHARGEN_PORT);
  }

  /**
   * Hashes the first 256 MiB that {@code client} writes to its standard output from chargen. When
   * head has them it exits, and the client ends on the broken pipe (its exit status is not the
   * pipeline's); Morgana's chargen then sees the connection reset.
   */
  private void chargen(String tool, String client) throws Exception {
    String expected = chargenSha256(SIZE);
    long start = System.nanoTime();
    ExecResult r = ns.execOk(TRANSFER_TIMEOUT, "sh", "-c", client + " | head -c " + SIZE + " | sha256sum");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(expected + "  -", r.stdout().strip(), r.toString());
    report("chargen, " + tool + ", Morgana -> Linux", seconds);
  }

  @Test
  void echo_256MiBEachWayThroughSocat_sha256Equal() throws Exception {
    HostTools.require("socat", "head", "sha256sum");
    // socat shuts down its output at the end of its input, then reads the echoes still owed
    // (-t: up to 120 s after that; -T: gives up after 300 s without any data).
    echo("socat", "socat -t 120 -T 300 - TCP:" + MORGANA + ":7");
  }

  @Test
  void echo_256MiBEachWayThroughNc_sha256Equal() throws Exception {
    HostTools.require("nc", "head", "sha256sum");
    // -N: shut down the output at the end of the input; nc then reads until Morgana's FIN.
    echo("nc", "nc -N -w 300 " + MORGANA + " 7");
  }

  /**
   * Sends a 256 MiB random file through TCP echo with {@code client} (reading the file on its
   * standard input, writing the echoes to its standard output) and compares the SHA-256 of the
   * echoes with the file's, both computed by {@code sha256sum} in the namespace.
   */
  private void echo(String tool, String client) throws Exception {
    Path in = dir.resolve("in");
    ns.execOk(Duration.ofMinutes(5), "sh", "-c", "head -c " + SIZE + " /dev/urandom > " + in);
    String sent = ns.execOk(Duration.ofMinutes(5), "sha256sum", in.toString()).stdout().split(" ")[0];
    long start = System.nanoTime();
    // The client's exit status goes to stderr, so that a failure is in the assertion's message.
    ExecResult r = ns.execOk(TRANSFER_TIMEOUT, "sh", "-c",
        "{ " + client + " < " + in + "; echo \"" + tool + " exit $?\" >&2; } | sha256sum");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(sent + "  -", r.stdout().strip(), r.toString());
    report("echo, " + tool + ", each way", seconds);
  }

  /** The SHA-256 of the first {@code n} bytes chargen sends: RFC 864's rotation, repeated. */
  private static String chargenSha256(long n) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] pattern = DiscardChargen.PATTERN;
    for (long off = 0; off < n; off += pattern.length) {
      sha.update(pattern, 0, (int) Math.min(pattern.length, n - off));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void report(String transfer, double seconds) {
    System.out.printf("%s: %d MiB in %.1f s (%.1f MiB/s)%n", transfer, SIZE >> 20, seconds,
        (SIZE >> 20) / seconds);
  }
}
