package io.morgana.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.BootArguments;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.interop.HostTools;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The management listener of a socket-target kernel on 127.0.0.1, driven by {@code curl}: metrics
 * by {@code Accept}, commands with and without the token, hostile requests.
 */
class ManagementHttpTest {

  static final String TOKEN = ManagementRequestsTest.TOKEN;

  private KernelLoop loop;
  private Lifecycle lifecycle;
  private int port;

  @BeforeEach
  void boot() throws Exception {
    HostTools.require("curl");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    MgmtSocketKernel.Factory factory = DaggerMgmtSocketKernel.factory();
    BootArguments args = BootArguments.parse(Kernel.bootKeys(factory::create), "--listen=127.0.0.1",
        "--mgmt-port=" + port, "--mgmt-token=" + TOKEN);
    loop = new KernelLoop("mgmt-http-test");
    loop.start();
    lifecycle = new Lifecycle();
    MgmtSocketKernel kernel = factory.create(args, loop, lifecycle);
    var app = kernel.application();
    loop.execute(() -> {
      try {
        app.start();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    kernel.management().listener().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void shutDown() {
    if (loop != null) {
      loop.close();
      lifecycle.close();
    }
  }

  /** {@code curl -s -o - -w '\n%{http_code} %{content_type}' ARGS}: the body, then status and type. */
  private String[] curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(HostTools.find("curl").orElseThrow().toString(), "-s", "-m", "20",
        "-w", "\n%{http_code} %{content_type}"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    int nl = out.lastIndexOf('\n');
    return new String[] {out.substring(0, nl), out.substring(nl + 1)};
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Test
  void metricsWithTheTokenInEitherFormat() throws Exception {
    String[] refused = curl(url("/metrics"));
    assertTrue(refused[1].startsWith("401"), refused[1]);
    String[] text = curl("-H", "Authorization: Bearer " + TOKEN, url("/metrics"));
    assertTrue(text[1].startsWith("200 text/plain; version=0.0.4"), text[1]);
    assertTrue(text[0].contains("jvm_threads_current"), text[0]);
    String[] om = curl("-H", "Authorization: Bearer " + TOKEN, "-H",
        "Accept: application/openmetrics-text;version=1.0.0", url("/metrics"));
    assertTrue(om[1].startsWith("200 application/openmetrics-text"), om[1]);
    assertTrue(om[0].endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
  }

  @Test
  void commandsOverHttp() throws Exception {
    String[] echo = curl("-H", "Authorization: Bearer " + TOKEN, "--data-binary", "hello world", url("/cmd/echo"));
    assertEquals("hello world\n", echo[0]);
    assertTrue(echo[1].startsWith("200 text/plain"), echo[1]);
    assertTrue(curl("--data-binary", "x", url("/cmd/echo"))[1].startsWith("401"));
    assertTrue(curl("-H", "Authorization: Bearer wrong-token-0000000", "-d", "", url("/cmd/echo"))[1]
        .startsWith("401"));
    assertTrue(curl("-H", "Authorization: Bearer " + TOKEN, "-d", "", url("/cmd/nope"))[1].startsWith("404"));
    assertTrue(curl("-H", "Authorization: Bearer " + TOKEN, "-d", "", url("/cmd/echo"))[1].startsWith("400"));
    assertTrue(curl("-H", "Authorization: Bearer " + TOKEN, url("/cmd/echo"))[1].startsWith("405"));
    String[] help = curl("-H", "Authorization: Bearer " + TOKEN, "-d", "", url("/cmd/help"));
    assertTrue(help[0].contains("log-level LOGGER [LEVEL]"), help[0]);
  }

  @Test
  void aHugeBodyIsRefusedWith413() throws Exception {
    String[] huge = curl("-H", "Authorization: Bearer " + TOKEN, "-H", "Content-Type: text/plain", "--data-binary",
        "a".repeat(100_000), url("/cmd/echo"));
    assertTrue(huge[1].startsWith("413"), huge[1]);
    assertTrue(curl("-H", "Authorization: Bearer " + TOKEN, url("/metrics"))[1].startsWith("200"),
        "the kernel goes on serving");
  }
}
