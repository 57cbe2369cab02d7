package io.morgana.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.testkit.TestKernel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} and {@code POST /cmd/NAME} through {@link ManagementRequests} on a kernel
 * with the stack and a client stack beside it on the switch: authentication, status codes, the
 * counters moving with traffic, hostile input.
 */
class ManagementRequestsTest {

  static final String TOKEN = "s3cret-token-0123456789";
  static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + TOKEN);

  private TestKernel<MgmtTestKernel> kernel;

  private ManagementRequests boot(String... extra) {
    String[] argv = new String[extra.length + 1];
    argv[0] = "--ipv4=192.0.2.2/24";
    System.arraycopy(extra, 0, argv, 1, extra.length);
    kernel = TestKernel.boot(DaggerMgmtTestKernel.factory()::create, argv);
    assertTrue(kernel.isRunning());
    return kernel.component().management().requests();
  }

  @AfterEach
  void close() {
    if (kernel != null) {
      kernel.close();
    }
  }

  private static ManagementResponse cmd(ManagementRequests r, String name, String body, Map<String, String> headers) {
    return r.handle(new ManagementRequest("POST", "/cmd/" + name, headers, body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void metricsNeedTheTokenUnlessOpen() {
    ManagementRequests r = boot("--mgmt-token=" + TOKEN);
    ManagementResponse refused = r.handle(ManagementRequest.of("GET", "/metrics", Map.of()));
    assertEquals(401, refused.status());
    assertEquals("Bearer realm=\"morgana\"", refused.headers().get("WWW-Authenticate"));
    ManagementResponse ok = r.handle(ManagementRequest.of("GET", "/metrics", AUTH));
    assertEquals(200, ok.status());
    assertTrue(ok.bodyText().contains("morgana_netif_rx_bytes_total{netif=\"net0\"}"), ok.bodyText());
  }

  @Test
  void theTokenIsNotInTheBootArgumentsShownInTheLog() {
    boot("--mgmt-token=" + TOKEN);
    assertFalse(kernel.arguments().toString().contains(TOKEN), kernel.arguments().toString());
    assertTrue(kernel.component().management().settings().toString().contains("token=(set)"));
  }

  @Test
  void openMetricsServesMetricsWithoutATokenButNotCommands() {
    ManagementRequests r = boot("--mgmt-open-metrics");
    assertEquals(200, r.handle(ManagementRequest.of("GET", "/metrics", Map.of())).status());
    ManagementResponse c = cmd(r, "uptime", "", Map.of());
    assertEquals(401, c.status());
    assertTrue(c.bodyText().contains("--mgmt-token"), c.bodyText());
  }

  @Test
  void rfc6750_wrongTokenOrSchemeIs401WithInvalidToken() {
    ManagementRequests r = boot("--mgmt-token=" + TOKEN);
    for (String value : new String[] {"Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Basic " + TOKEN,
        TOKEN, "Bearer", "bearer  "}) {
      ManagementResponse resp = cmd(r, "uptime", "", Map.of("Authorization", value));
      assertEquals(401, resp.status(), value);
      assertTrue(resp.headers().get("WWW-Authenticate").contains("invalid_token"), value);
    }
    assertEquals(200, cmd(r, "uptime", "", Map.of("authorization", "bearer " + TOKEN)).status(),
        "header name and scheme are case-insensitive (RFC 9110 §11.1, RFC 6750 §2.1)");
  }

  @Test
  void contentNegotiationGivesOpenMetricsOrPrometheusText() {
    ManagementRequests r = boot("--mgmt-open-metrics");
    ManagementResponse om = r.handle(ManagementRequest.of("GET", "/metrics",
        Map.of("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")));
    assertTrue(om.contentType().startsWith("application/openmetrics-text"), om.contentType());
    assertTrue(om.bodyText().endsWith("# EOF\n"));
    ManagementResponse text = r.handle(ManagementRequest.of("GET", "/metrics", Map.of("Accept", "text/plain")));
    assertTrue(text.contentType().startsWith("text/plain; version=0.0.4"), text.contentType());
    assertFalse(text.bodyText().contains("# EOF"));
    ManagementResponse proto = r.handle(ManagementRequest.of("GET", "/metrics", Map.of("Accept",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited")));
    assertEquals(200, proto.status());
    assertTrue(proto.contentType().startsWith("text/plain"), "no protobuf in this build: " + proto.contentType());
    ManagementResponse head = r.handle(ManagementRequest.of("HEAD", "/metrics", Map.of()));
    assertEquals(200, head.status());
    assertEquals(0, head.body().length);
  }

  @Test
  void countersMoveWithTrafficAndConnectionsShowByState() throws Exception {
    ManagementRequests r = boot("--mgmt-token=" + TOKEN);
    TcpipStack client = new TcpipStack(kernel.component().ethernet().newPort(), kernel.loop(),
        Ipv4Config.of("192.0.2.1/24", null));
    String before = r.handle(ManagementRequest.of("GET", "/metrics", AUTH)).bodyText();
    assertTrue(before.contains("morgana_tcp_connections{state=\"established\"} 0.0"), before);
    Flow f = client.tcp().connect(new Endpoint(Ipv4Address.parse("192.0.2.2"), 7), Duration.ofSeconds(5));
    kernel.runUntilIdle();
    String after = r.handle(ManagementRequest.of("GET", "/metrics", AUTH)).bodyText();
    assertTrue(after.contains("morgana_tcp_connections{state=\"established\"} 1.0"), after);
    assertTrue(after.contains("morgana_tcp_listeners 1.0"), after);
    assertTrue(value(after, "morgana_tcp_rx_segments_total") > value(before, "morgana_tcp_rx_segments_total"));
    assertTrue(value(after, "morgana_netif_rx_packets_total{netif=\"net0\"}")
        > value(before, "morgana_netif_rx_packets_total{netif=\"net0\"}"));

    ManagementResponse conns = cmd(r, "conns", "", AUTH);
    assertEquals(200, conns.status());
    assertTrue(conns.bodyText().lines().anyMatch(l -> l.matches("established +192\\.0\\.2\\.2:7 +192\\.0\\.2\\.1:\\d+ .*")),
        conns.bodyText());
    assertTrue(conns.bodyText().contains("1 listening, 1 connections"), conns.bodyText());
    ManagementResponse arp = cmd(r, "arp", "", AUTH);
    assertTrue(arp.bodyText().lines().anyMatch(l -> l.startsWith("192.0.2.1 ") && l.contains(" " + client.netif().mac() + " ")),
        arp.bodyText());
    ManagementResponse routes = cmd(r, "routes", "", AUTH);
    assertTrue(routes.bodyText().lines().anyMatch(l -> l.matches("192\\.0\\.2\\.0/24 +- +net0 +192\\.0\\.2\\.2 +1500")),
        routes.bodyText());
    f.abort();
    client.close();
  }

  static double value(String exposition, String series) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).split(" ")[0]);
      }
    }
    throw new AssertionError(series + " not in\n" + exposition);
  }

  @Test
  void commandsAnswerWithTheirStatus() {
    ManagementRequests r = boot("--mgmt-token=" + TOKEN);
    ManagementResponse echo = cmd(r, "echo", "hello  wide\tworld\n", AUTH);
    assertEquals(200, echo.status());
    assertEquals("hello wide world\n", echo.bodyText());
    assertEquals(ManagementResponse.TEXT, echo.contentType());
    assertEquals(400, cmd(r, "echo", "", AUTH).status());
    ManagementResponse failed = cmd(r, "fail", "", AUTH);
    assertEquals(500, failed.status());
    assertTrue(failed.bodyText().contains("broken on purpose"), failed.bodyText());
    ManagementResponse unknown = cmd(r, "nope", "", AUTH);
    assertEquals(404, unknown.status());
    assertTrue(unknown.bodyText().contains("unknown command 'nope'"), unknown.bodyText());
    ManagementResponse help = cmd(r, "help", "", AUTH);
    for (String name : new String[] {"arp", "conns", "echo", "fail", "gc", "help", "log-level", "mem", "routes",
        "stats", "uptime"}) {
      assertTrue(help.bodyText().lines().anyMatch(l -> l.startsWith(name)), name + " in\n" + help.bodyText());
    }
    assertEquals(200, cmd(r, "mem", "", AUTH).status());
    assertEquals(200, cmd(r, "gc", "", AUTH).status());
    assertEquals(400, cmd(r, "gc", "now", AUTH).status());
    assertTrue(cmd(r, "uptime", "", AUTH).bodyText().startsWith("up "));
    ManagementResponse stats = cmd(r, "stats", "morgana_arp", AUTH);
    assertTrue(stats.bodyText().contains("morgana_arp_tx_announcements_total"), stats.bodyText());
  }

  @Test
  void unauthenticatedRequestsLearnNothingAboutCommands() {
    ManagementRequests r = boot("--mgmt-token=" + TOKEN);
    ManagementResponse a = cmd(r, "nope", "", Map.of());
    ManagementResponse b = cmd(r, "uptime", "", Map.of());
    assertEquals(401, a.status());
    assertEquals(a, b.status() == 401 && a.bodyText().equals(b.bodyText()) ? a : b);
  }

  @Test
  void hostileRequestsGetClearAnswers() {
    ManagementRequests r = boot("--mgmt-token=" + TOKEN);
    byte[] huge = new byte[ManagementRequests.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) 'a');
    assertEquals(413, r.handle(new ManagementRequest("POST", "/cmd/echo", AUTH, huge)).status());
    assertEquals(400, r.handle(new ManagementRequest("POST", "/cmd/echo", AUTH, new byte[] {(byte) 0xff, 'a'}))
        .status(), "not UTF-8");
    assertEquals(400, cmd(r, "echo", "a\u0000b", AUTH).status(), "control characters");
    assertEquals(400, cmd(r, "echo", "a ".repeat(CommandRegistry.MAX_ARGUMENTS + 2), AUTH).status());
    for (String name : new String[] {"", "..", "../metrics", "ECHO", "echo/x", "a%2fb", "x".repeat(1000),
        "echo\u0000", "\u00e9cho"}) {
      ManagementResponse resp = cmd(r, name, "", AUTH);
      assertEquals(404, resp.status(), name);
      assertFalse(resp.bodyText().contains("\u0000"));
      assertTrue(resp.bodyText().length() < 200, "the name is cut short in the answer");
    }
    assertEquals(405, r.handle(ManagementRequest.of("GET", "/cmd/echo", AUTH)).status());
    assertEquals("POST", r.handle(ManagementRequest.of("GET", "/cmd/echo", AUTH)).headers().get("Allow"));
    assertEquals(405, r.handle(ManagementRequest.of("DELETE", "/metrics", AUTH)).status());
    assertEquals(404, r.handle(ManagementRequest.of("GET", "/", AUTH)).status());
    assertEquals(404, r.handle(ManagementRequest.of("GET", "/metricsx", AUTH)).status());
    assertEquals(200, r.handle(ManagementRequest.of("GET", "/metrics?name[]=x", AUTH)).status());
    ManagementResponse logLevel = cmd(r, "log-level", "io.morgana loud", AUTH);
    assertEquals(400, logLevel.status());
    assertTrue(logLevel.bodyText().contains("not a level"), logLevel.bodyText());
    assertEquals(400, cmd(r, "log-level", "no/such logger", AUTH).status());
    assertEquals(400, cmd(r, "stats", "a b", AUTH).status());
    assertEquals(400, cmd(r, "stats", "{bad}", AUTH).status());
  }
}
