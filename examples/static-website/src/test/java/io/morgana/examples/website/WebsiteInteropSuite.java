package io.morgana.examples.website;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.http.HttpServer;
import io.morgana.http.wire.RequestTarget;
import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The static website against curl, the same suite for every target: every file of a {@link
 * GeneratedSite} byte for byte; 304, 206, 416, 404, 405, 301 and traversal attempts; 200
 * concurrent keep-alive clients; a slow client cut off while others are served. A subclass boots
 * the target on the suite's image ({@link #image()}) with {@code --header-timeout=2} and says how
 * to reach it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebsiteInteropSuite {

  protected Path dir;
  protected GeneratedSite site;

  @BeforeAll
  void generateSite() throws Exception {
    HostTools.require("curl");
    dir = Files.createTempDirectory("website-interop");
    site = new GeneratedSite(dir.resolve("site.img"));
  }

  @AfterAll
  void deleteSite() throws Exception {
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The image the target serves. */
  protected Path image() {
    return site.image;
  }

  /** {@code http://HOST:PORT}, without a trailing slash. */
  protected abstract String base();

  /** Runs curl where it reaches the target. */
  protected abstract ExecResult curl(Duration timeout, String... args);

  /** A TCP connection to the target from where curl runs. */
  protected abstract Socket connect() throws Exception;

  /** The target's server, for its counters. */
  protected abstract HttpServer server();

  private String url(String path) {
    return base() + RequestTarget.encodePath("/" + path);
  }

  private String status(String... args) {
    String[] all = Stream.concat(Stream.of("-sS", "-g", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}"),
        Arrays.stream(args)).toArray(String[]::new);
    return curl(Duration.ofSeconds(60), all).stdout().strip();
  }

  @Test
  void curl_fetchesEveryFile_byteForByte() throws Exception {
    int i = 0;
    for (Map.Entry<String, byte[]> e : site.files.entrySet()) {
      Path out = dir.resolve("out-" + i++);
      ExecResult r = curl(Duration.ofSeconds(120), "-sS", "-g", "-f", "-o", out.toString(), url(e.getKey()));
      assertEquals(0, r.exitCode(), e.getKey() + ": " + r);
      assertArrayEquals(e.getValue(), Files.readAllBytes(out), e.getKey());
    }
  }

  @Test
  void directories_serveTheirIndex_orRedirectToTheSlash() throws Exception {
    Path out = dir.resolve("index");
    assertEquals(0, curl(Duration.ofSeconds(60), "-sS", "-f", "-o", out.toString(), base() + "/").exitCode());
    assertArrayEquals(site.files.get("index.html"), Files.readAllBytes(out));
    ExecResult moved = curl(Duration.ofSeconds(60), "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", base() + "/docs");
    assertEquals("301 " + base() + "/docs/", moved.stdout().strip());
    Path docs = dir.resolve("docs");
    assertEquals(0, curl(Duration.ofSeconds(60), "-sS", "-f", "-L", "-o", docs.toString(), base() + "/docs").exitCode());
    assertArrayEquals(site.files.get("docs/index.html"), Files.readAllBytes(docs));
  }

  @Test
  void conditionalRequests_304() {
    ExecResult head = curl(Duration.ofSeconds(60), "-sS", "-I", url("css/site.css"));
    String etag = head.stdout().lines().filter(l -> l.toLowerCase().startsWith("etag:"))
        .map(l -> l.substring(5).strip()).findFirst().orElseThrow(() -> new AssertionError(head.toString()));
    String lastModified = head.stdout().lines().filter(l -> l.toLowerCase().startsWith("last-modified:"))
        .map(l -> l.substring(14).strip()).findFirst().orElseThrow();
    assertEquals("304", status("-H", "If-None-Match: " + etag, url("css/site.css")));
    assertEquals("304", status("-H", "If-Modified-Since: " + lastModified, url("css/site.css")));
    assertEquals("200", status("-H", "If-None-Match: \"nope\"", url("css/site.css")));
  }

  @Test
  void ranges_206_and416() throws Exception {
    Path out = dir.resolve("range");
    ExecResult r = curl(Duration.ofSeconds(60), "-sS", "-r", "1000-70999", "-o", out.toString(), "-w", "%{http_code}",
        url("big/six-mib.bin"));
    assertEquals("206", r.stdout().strip(), r.toString());
    assertArrayEquals(Arrays.copyOfRange(site.files.get("big/six-mib.bin"), 1000, 71_000), Files.readAllBytes(out));
    assertEquals("416", status("-H", "Range: bytes=99999999-", url("big/six-mib.bin")));
  }

  @Test
  void errors_404_405_andTraversalRefused() {
    assertEquals("404", status(url("missing.html")));
    assertEquals("404", status(url("d1/d2/missing")));
    assertEquals("405", status("-X", "DELETE", url("index.html")));
    assertEquals("400", status(base() + "/../etc/passwd"));
    assertEquals("400", status(base() + "/docs/%2e%2e/%2e%2e/etc/passwd"));
    assertEquals("400", status(base() + "/docs%2Findex.html"));
    assertEquals("400", status(base() + "/index.html%00.txt"));
  }

  @Test
  void twoHundredConcurrentKeepAliveClients_allServed() throws Exception {
    int requests = 1000;
    StringBuilder config = new StringBuilder();
    String[] paths = {"index.html", "css/site.css", "docs/index.html", "a file with spaces.html"};
    for (int i = 0; i < requests; i++) {
      config.append("url = \"").append(url(paths[i % paths.length])).append("\"\noutput = \"/dev/null\"\n");
    }
    Path cfg = dir.resolve("parallel.cfg");
    Files.writeString(cfg, config.toString());
    long before = server().accepted();
    ExecResult r = curl(Duration.ofSeconds(300), "-sS", "-g", "-Z", "--parallel-max", "200", "--parallel-immediate",
        "-w", "%{http_code} %{size_download}\n", "-K", cfg.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    long ok = r.stdout().lines().filter(l -> l.startsWith("200 ")).count();
    assertEquals(requests, ok, r.stdout().lines().filter(l -> !l.startsWith("200 ")).limit(5).toList().toString());
    long connections = server().accepted() - before;
    assertTrue(connections > 1 && connections < requests, "connections reused: " + connections + " for " + requests);
  }

  @Test
  void slowClient_neverFinishingItsHead_isCutOff_whileOthersAreServed() throws Exception {
    long timedOut = server().timedOut();
    try (Socket slow = connect()) {
      slow.setSoTimeout(120_000);
      slow.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      slow.getOutputStream().flush();
      assertEquals("200", status(url("index.html")));
      assertEquals("200", status(url("odd/100003.bin")));
      InputStream in = slow.getInputStream();
      int b;
      try {
        b = in.read();
      } catch (SocketException reset) {
        b = -1;
      }
      assertEquals(-1, b, "cut off without a response");
    }
    assertTrue(server().timedOut() > timedOut, "counted as a timeout");
  }
}
