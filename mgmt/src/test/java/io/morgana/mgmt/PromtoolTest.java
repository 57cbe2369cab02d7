package io.morgana.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.TestKernel;
import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Prometheus's own linter ({@code promtool check metrics}, Debian's {@code prometheus} package)
 * accepts what {@code GET /metrics} serves as Prometheus text: names, types, help, units and label
 * syntax as Prometheus expects them. (promtool parses only that format; it stops at the first
 * OpenMetrics-only type, {@code info}.)
 */
class PromtoolTest {

  @Test
  void promtoolAcceptsThePrometheusText() throws Exception {
    HostTools.require("promtool");
    try (TestKernel<MgmtTestKernel> kernel =
        TestKernel.boot(DaggerMgmtTestKernel.factory()::create, "--ipv4=192.0.2.2/24", "--mgmt-open-metrics")) {
      ManagementRequests r = kernel.component().management().requests();
      for (String accept : new String[] {"text/plain;version=0.0.4", "*/*"}) {
        ManagementResponse resp = r.handle(ManagementRequest.of("GET", "/metrics", Map.of("Accept", accept)));
        assertEquals(200, resp.status());
        String[] result = promtool(resp.body());
        assertEquals("0", result[0], accept + ": promtool said\n" + result[1]);
        assertTrue(resp.bodyText().contains("morgana_ipv4_rx_dropped_total{reason=\"bad_checksum\"}"));
        assertTrue(resp.bodyText().contains("jvm_memory_used_bytes"), "the JVM's metrics are there");
      }
    }
  }

  /** Exit status and output of {@code promtool check metrics} given {@code exposition}. */
  static String[] promtool(byte[] exposition) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(HostTools.find("promtool").orElseThrow().toString(), "check", "metrics")
        .redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(exposition);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool did not finish");
    }
    return new String[] {Integer.toString(p.exitValue()), out};
  }
}
