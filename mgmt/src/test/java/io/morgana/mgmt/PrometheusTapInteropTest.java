package io.morgana.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.Application;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import io.morgana.testkit.interop.InProcessKernel;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kernel on a TAP device in a test namespace (Linux 192.0.2.1, Morgana 192.0.2.2, management on
 * port 9100 with a token) scraped by a real Prometheus server started in the same namespace every
 * second: its query API returns the kernel's counters, which move as Linux pings the kernel; and
 * {@code curl} runs commands over the TAP link.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class PrometheusTapInteropTest {

  static final String TAP = "mgmt0";
  static final String MORGANA = "192.0.2.2";
  static final String LINUX = "192.0.2.1";
  static final String TOKEN = ManagementRequestsTest.TOKEN;

  private NetworkNamespace ns;
  private Path log;
  private InProcessKernel<Application> kernel;
  @TempDir Path dir;

  @BeforeEach
  void boot(NetworkNamespace ns) throws Exception {
    this.ns = ns;
    HostTools.require("curl", "ping", "prometheus");
    ns.execOk("ip", "link", "set", "lo", "up");
    ns.execOk("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
    ns.execOk("ip", "addr", "add", LINUX + "/24", "dev", TAP);
    ns.execOk("ip", "link", "set", TAP, "up");
    AtomicReference<MgmtTapKernel> component = new AtomicReference<>();
    kernel = InProcessKernel.boot(ns, (a, loop, lifecycle) -> {
      MgmtTapKernel k = DaggerMgmtTapKernel.factory().create(a, loop, lifecycle);
      component.set(k);
      return k;
    }, "--net=tap:" + TAP, "--ipv4=" + MORGANA + "/24", "--mgmt-port=9100", "--mgmt-token=" + TOKEN);
    component.get().management().listener().toCompletableFuture().get(30, TimeUnit.SECONDS);
    ns.execOk("ping", "-c", "1", "-W", "15", MORGANA);
  }

  @AfterEach
  void shutDown() {
    if (kernel != null) {
      kernel.close();
    }
  }

  @Test
  void prometheusScrapesTheKernelAndItsCountersMoveWithTraffic() throws Exception {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          scrape_timeout: 900ms
        scrape_configs:
          - job_name: morgana
            authorization:
              type: Bearer
              credentials: %s
            static_configs:
              - targets: ['%s:9100']
        """.formatted(TOKEN, MORGANA));
    log = dir.resolve("prometheus.log");
    Process prometheus = ns.start(new ProcessBuilder(HostTools.find("prometheus").orElseThrow().toString(),
        "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:9090").redirectErrorStream(true).redirectOutput(log.toFile()));
    try {
      assertEquals(1.0, await("up{job=\"morgana\"}", v -> v == 1.0), "Prometheus scrapes the kernel");
      double before = await("morgana_netif_rx_packets_total{netif=\"" + TAP + "\"}", v -> v > 0);
      double echoesBefore = await("morgana_icmp_tx_echo_replies_total", v -> v >= 1);
      ns.execOk("ping", "-c", "20", "-i", "0.05", "-W", "5", MORGANA);
      double echoesAfter = await("morgana_icmp_tx_echo_replies_total", v -> v >= echoesBefore + 20);
      assertTrue(echoesAfter >= echoesBefore + 20, echoesBefore + " -> " + echoesAfter);
      assertTrue(await("morgana_netif_rx_packets_total{netif=\"" + TAP + "\"}", v -> v >= before + 20) >= before + 20);
      assertTrue(await("jvm_threads_current", v -> v > 0) > 0, "the JVM's metrics come along");
    } finally {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void curlRunsCommandsOverTheTapLink() {
    ExecResult conns = ns.execOk("curl", "-s", "-f", "-H", "Authorization: Bearer " + TOKEN, "-d", "",
        "http://" + MORGANA + ":9100/cmd/conns");
    assertTrue(conns.stdout().lines().anyMatch(l -> l.matches("established +192\\.0\\.2\\.2:9100 +192\\.0\\.2\\.1:\\d+ .*")),
        "curl's own connection is listed:\n" + conns.stdout());
    ExecResult arp = ns.execOk("curl", "-s", "-f", "-H", "Authorization: Bearer " + TOKEN, "-d", "",
        "http://" + MORGANA + ":9100/cmd/arp");
    assertTrue(arp.stdout().contains(LINUX), arp.stdout());
    ExecResult refused = ns.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-d", "",
        "http://" + MORGANA + ":9100/cmd/conns");
    assertEquals("401", refused.stdout());
  }

  private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

  /** Queries Prometheus until {@code query}'s first value satisfies {@code until} (30 s at most); returns it. */
  private double await(String query, java.util.function.DoublePredicate until) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() - deadline < 0) {
      ExecResult r = ns.exec("curl", "-s", "-G", "http://127.0.0.1:9090/api/v1/query", "--data-urlencode",
          "query=" + query);
      last = r.stdout();
      Matcher m = VALUE.matcher(last);
      if (m.find()) {
        double v = Double.parseDouble(m.group(1));
        if (until.test(v)) {
          return v;
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    String tail;
    try {
      tail = Files.readString(log);
      tail = tail.substring(Math.max(0, tail.length() - 3000));
    } catch (java.io.IOException e) {
      tail = e.toString();
    }
    throw new AssertionError("Prometheus never answered " + query + " as expected; last answer: " + last
        + "\nits log ends:\n" + tail);
  }
}
