package io.morgana.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import io.morgana.http.wire.HttpHeaders;
import io.morgana.http.wire.HttpVersion;
import io.morgana.http.wire.RequestTarget;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvFileHandlerTest {

  final MapKv kv = new MapKv();
  final KvFileHandler handler = new KvFileHandler(kv, "site");
  final byte[] big = new byte[300_000];

  @BeforeEach
  void site() {
    new java.util.SplittableRandom(3).nextBytes(big);
    kv.put("site/index.html", "<h1>home</h1>".getBytes(StandardCharsets.UTF_8));
    kv.put("site/docs/index.html", "<h1>docs</h1>".getBytes(StandardCharsets.UTF_8));
    kv.put("site/empty/x.css", new byte[0]);
    kv.put("site/big.bin", big);
    kv.put("site/a b/ü.txt", "unicode".getBytes(StandardCharsets.UTF_8));
    kv.put("outside.txt", "secret".getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse get(String target, String... headers) throws Exception {
    return request("GET", target, headers);
  }

  HttpResponse request(String method, String target, String... headers) throws Exception {
    HttpHeaders h = HttpHeaders.EMPTY;
    for (int i = 0; i < headers.length; i += 2) {
      h = h.with(headers[i], headers[i + 1]);
    }
    return handler.handle(new HttpRequest(method, RequestTarget.parse(target), HttpVersion.HTTP_1_1, h, new byte[0],
        new Endpoint(Ipv4Address.LOOPBACK, 1)));
  }

  static byte[] content(HttpResponse r) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long off = 0;
    while (off < r.content().length()) {
      ByteBuf b = r.content().read(off, 65_536);
      off += b.readableBytes();
      b.readBytes(out, b.readableBytes());
      b.release();
    }
    return out.toByteArray();
  }

  @Test
  void file_200_typeLengthValidators() throws Exception {
    HttpResponse r = get("/index.html");
    assertEquals(200, r.status());
    assertEquals("text/html; charset=utf-8", r.headers().first("Content-Type").orElseThrow());
    assertEquals("Fri, 02 Jan 2026 03:04:05 GMT", r.headers().first("Last-Modified").orElseThrow());
    assertTrue(r.headers().first("ETag").orElseThrow().startsWith("\"d-"));
    assertEquals("<h1>home</h1>", new String(content(r), StandardCharsets.UTF_8));
  }

  @Test
  void directory_servesIndex_withoutSlash_301() throws Exception {
    assertEquals("<h1>home</h1>", new String(content(get("/")), StandardCharsets.UTF_8));
    assertEquals("<h1>docs</h1>", new String(content(get("/docs/")), StandardCharsets.UTF_8));
    HttpResponse moved = get("/docs?x=1");
    assertEquals(301, moved.status());
    assertEquals("/docs/?x=1", moved.headers().first("Location").orElseThrow());
    assertEquals("/a%20b/", get("/a%20b").headers().first("Location").orElseThrow());
    assertEquals(404, get("/empty/").status(), "no index, no listing");
  }

  @Test
  void missingAndOutsideTheRoot_404() throws Exception {
    assertEquals(404, get("/nope").status());
    assertEquals(404, get("/outside.txt").status());
    assertEquals(404, get("/index.html/").status());
  }

  @Test
  void nonAsciiAndEmptyFiles() throws Exception {
    assertEquals("unicode", new String(content(get("/a%20b/%C3%BC.txt")), StandardCharsets.UTF_8));
    HttpResponse empty = get("/empty/x.css");
    assertEquals(0, empty.content().length());
    assertEquals("text/css; charset=utf-8", empty.headers().first("Content-Type").orElseThrow());
  }

  @Test
  void largeFile_readInPieces_notWhole() throws Exception {
    HttpResponse r = get("/big.bin");
    kv.rangedReads = 0;
    assertArrayEquals(big, content(r));
    assertEquals(5, kv.rangedReads, "300,000 bytes in 64 KiB pieces");
  }

  @Test
  void rfc9110_13_1_2_ifNoneMatch_304_weakComparison() throws Exception {
    String etag = get("/index.html").headers().first("ETag").orElseThrow();
    assertEquals(304, get("/index.html", "If-None-Match", "\"x\", W/" + etag).status());
    assertEquals(304, get("/index.html", "If-None-Match", "*").status());
    assertEquals(200, get("/index.html", "If-None-Match", "\"other\"").status());
    assertEquals(200, get("/index.html", "If-None-Match", "\"other\"", "If-Modified-Since", "Fri, 02 Jan 2026 03:04:05 GMT").status(),
        "If-Modified-Since is ignored when If-None-Match is present (RFC 9110 §13.1.3)");
  }

  @Test
  void rfc9110_13_1_3_ifModifiedSince() throws Exception {
    assertEquals(304, get("/index.html", "If-Modified-Since", "Fri, 02 Jan 2026 03:04:05 GMT").status());
    assertEquals(304, get("/index.html", "If-Modified-Since", "Sat, 03 Jan 2026 00:00:00 GMT").status());
    assertEquals(200, get("/index.html", "If-Modified-Since", "Fri, 02 Jan 2026 03:04:04 GMT").status());
    assertEquals(200, get("/index.html", "If-Modified-Since", "garbage").status());
  }

  @Test
  void rfc9110_14_range_206_416_ifRange() throws Exception {
    HttpResponse r = get("/big.bin", "Range", "bytes=1000-1999");
    assertEquals(206, r.status());
    assertEquals("bytes 1000-1999/300000", r.headers().first("Content-Range").orElseThrow());
    assertArrayEquals(Arrays.copyOfRange(big, 1000, 2000), content(r));
    assertArrayEquals(Arrays.copyOfRange(big, 299_990, 300_000), content(get("/big.bin", "Range", "bytes=-10")));
    HttpResponse bad = get("/big.bin", "Range", "bytes=300000-");
    assertEquals(416, bad.status());
    assertEquals("bytes */300000", bad.headers().first("Content-Range").orElseThrow());
    assertEquals(200, get("/big.bin", "Range", "bytes=0-1,5-6").status());
    assertEquals(200, get("/big.bin", "Range", "bytes=0-1", "If-Range", "\"stale\"").status());
    String etag = get("/big.bin").headers().first("ETag").orElseThrow();
    assertEquals(206, get("/big.bin", "Range", "bytes=0-1", "If-Range", etag).status());
  }

  @Test
  void otherMethods_405() throws Exception {
    HttpResponse r = request("PUT", "/index.html");
    assertEquals(405, r.status());
    assertEquals("GET, HEAD", r.headers().first("Allow").orElseThrow());
  }

  @Test
  void mediaTypes() {
    assertEquals("image/png", MediaTypes.of("a/B.PNG"));
    assertEquals(MediaTypes.DEFAULT, MediaTypes.of("README"));
    assertEquals(MediaTypes.DEFAULT, MediaTypes.of(".bashrc"));
    assertEquals(MediaTypes.DEFAULT, MediaTypes.of("dir.d/file"));
  }
}
