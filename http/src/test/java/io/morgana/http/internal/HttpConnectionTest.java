package io.morgana.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.http.HttpResponse;
import io.morgana.http.HttpSettings;
import io.morgana.http.Router;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpConnectionTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  static final HttpSettings SETTINGS = HttpSettings.defaults(80).withLimits(64, 256, 1024).withAccessLog(false);

  final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
  final Router router = Router.builder()
      .get("/hello", r -> HttpResponse.text(200, "hello " + r.path() + "\n"))
      .post("/echo", r -> HttpResponse.text(200, new String(r.body(), StandardCharsets.UTF_8)))
      .get("/boom", r -> {
        throw new IllegalStateException("boom");
      })
      .build();

  ScriptedFlow run(String... pieces) {
    List<byte[]> in = java.util.Arrays.stream(pieces).map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();
    ScriptedFlow flow = new ScriptedFlow(alloc, in);
    new HttpConnection(flow, SETTINGS, router, Watchdog.NONE, alloc, CLOCK).serve();
    return flow;
  }

  @AfterEach
  void noBufferLeaked() {
    assertEquals(0, alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory(), "bytes still allocated");
  }

  @Test
  void rfc9112_9_3_2_pipelinedRequests_answeredInOrder_onOneConnection() {
    ScriptedFlow f = run("GET /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hel", "lo HTTP/1.1\r\nHost: a\r\n\r\n"
        + "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcdeGET /nope HTTP/1.1\r\nHost: a\r\n\r\n");
    List<Responses.Response> r = Responses.parse(f.written.toByteArray());
    assertEquals(4, r.size());
    assertEquals("hello /hello\n", r.get(0).text());
    assertEquals("hello /hello\n", r.get(1).text());
    assertEquals("abcde", r.get(2).text());
    assertEquals(404, r.get(3).status());
    assertEquals("Fri, 02 Jan 2026 03:04:05 GMT", r.get(0).header("Date"));
    assertNull(r.get(0).header("Connection"));
    assertTrue(f.closed, "closed cleanly at the client's end of stream");
  }

  @Test
  void rfc9110_9_3_2_head_sameHeadNoContent() {
    ScriptedFlow f = run("HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
    List<Responses.Response> r = Responses.parse(f.written.toByteArray(), i -> i == 0);
    assertEquals(2, r.size());
    assertEquals(r.get(1).header("Content-Length"), r.get(0).header("Content-Length"));
    assertEquals(0, r.get(0).body().length);
  }

  @Test
  void rfc9110_15_5_6_wrongMethod_405WithAllow() {
    ScriptedFlow f = run("DELETE /hello HTTP/1.1\r\nHost: a\r\n\r\n");
    Responses.Response r = Responses.parse(f.written.toByteArray()).getFirst();
    assertEquals(405, r.status());
    assertEquals("GET, HEAD", r.header("Allow"));
  }

  @Test
  void malformed_400_thenClosed_laterRequestsIgnored() {
    ScriptedFlow f = run("GET /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nBad Header: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
    List<Responses.Response> r = Responses.parse(f.written.toByteArray());
    assertEquals(List.of(200, 400), r.stream().map(Responses.Response::status).toList());
    assertEquals("close", r.get(1).header("Connection"));
  }

  @Test
  void limits_414_431_413() {
    assertEquals(414, Responses.parse(run("GET /" + "x".repeat(100) + " HTTP/1.1\r\n").written.toByteArray()).getFirst().status());
    assertEquals(431, Responses.parse(run("GET / HTTP/1.1\r\nHost: a\r\nX: " + "y".repeat(300) + "\r\n\r\n").written.toByteArray()).getFirst().status());
    assertEquals(413, Responses.parse(run("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n").written.toByteArray()).getFirst().status());
  }

  @Test
  void rfc9112_7_1_chunkedBody_read() {
    ScriptedFlow f = run("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
    List<Responses.Response> r = Responses.parse(f.written.toByteArray());
    assertEquals("abcde", r.get(0).text());
    assertEquals(200, r.get(1).status());
  }

  @Test
  void rfc9112_6_3_framingConflicts_refused() {
    assertEquals(400, Responses.parse(run("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc").written.toByteArray()).getFirst().status());
    assertEquals(501, Responses.parse(run("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n").written.toByteArray()).getFirst().status());
    assertEquals(400, Responses.parse(run("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabc").written.toByteArray()).getFirst().status());
    assertEquals(400, Responses.parse(run("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n").written.toByteArray()).getFirst().status());
  }

  @Test
  void rfc9110_10_1_1_expect100Continue_answeredBeforeTheBody() {
    ScriptedFlow f = run("POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", "ok");
    String out = f.written.toString(StandardCharsets.ISO_8859_1);
    assertTrue(out.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), out);
  }

  @Test
  void http10_closesUnlessKeepAlive_connectionCloseHonoured() {
    ScriptedFlow f = run("GET /hello HTTP/1.0\r\n\r\nGET /hello HTTP/1.0\r\n\r\n");
    List<Responses.Response> r = Responses.parse(f.written.toByteArray());
    assertEquals(1, r.size());
    assertEquals("close", r.getFirst().header("Connection"));
    ScriptedFlow k = run("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
    List<Responses.Response> rk = Responses.parse(k.written.toByteArray());
    assertEquals(2, rk.size());
    assertEquals("keep-alive", rk.get(0).header("Connection"));
    assertEquals("close", rk.get(1).header("Connection"));
  }

  @Test
  void handlerFailure_500_andClose() {
    ScriptedFlow f = run("GET /boom HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
    List<Responses.Response> r = Responses.parse(f.written.toByteArray());
    assertEquals(List.of(500), r.stream().map(Responses.Response::status).toList());
  }

  @Test
  void endOfStreamInTheMiddleOfAHead_400_nothingElse() {
    ScriptedFlow f = run("GET /hello HTTP/1.1\r\nHo");
    assertEquals(400, Responses.parse(f.written.toByteArray()).getFirst().status());
    ScriptedFlow quiet = run();
    assertEquals(0, quiet.written.size());
    assertFalse(quiet.aborted);
  }
}
