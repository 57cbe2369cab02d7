package io.morgana.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.http.Content;
import io.morgana.http.HttpHandler;
import io.morgana.http.HttpResponse;
import io.morgana.http.HttpSettings;
import io.morgana.http.Router;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and mutated request bytes, cut into random pieces: the connection never throws, never
 * leaves a buffer allocated, and what it wrote is a sequence of well-formed responses (then the
 * connection ends).
 */
class HttpConnectionProperties {

  static final String[] VALID = {
      "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n",
      "HEAD /big HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /big HTTP/1.1\r\nHost: a\r\nRange: bytes=5-\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "GET /caf%C3%A9/x?y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  };

  final Router router = Router.builder()
      .get("/hello", r -> HttpResponse.text(200, "hello\n"))
      .get("/big", r -> HttpResponse.status(200).withContent(Content.of(new byte[200_000])))
      .post("/echo", r -> HttpResponse.text(200, new String(r.body(), StandardCharsets.ISO_8859_1)))
      .build();

  @Property(tries = 300)
  void randomBytes_neverCrashNorLeak_repliesWellFormed(@ForAll("randomInput") List<byte[]> pieces) {
    check(pieces);
  }

  @Property(tries = 500)
  void mutatedRequests_neverCrashNorLeak_repliesWellFormed(@ForAll("mutatedInput") List<byte[]> pieces) {
    check(pieces);
  }

  private void check(List<byte[]> pieces) {
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    ScriptedFlow flow = new ScriptedFlow(alloc, pieces);
    HttpSettings s = HttpSettings.defaults(80).withLimits(128, 512, 4096).withAccessLog(false);
    List<String> methods = new ArrayList<>();
    HttpHandler recording = r -> {
      methods.add(r.method());
      return router.handle(r);
    };
    new HttpConnection(flow, s, recording, Watchdog.NONE, alloc, java.time.Clock.systemUTC()).serve();
    assertEquals(0, alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory(), "bytes still allocated");
    List<Responses.Response> replies =
        Responses.parse(flow.written.toByteArray(), i -> i < methods.size() && methods.get(i).equals("HEAD"));
    if (replies.size() < methods.size() || replies.size() > methods.size() + 1) {
      throw new AssertionError(methods.size() + " requests handled, " + replies.size() + " replies");
    }
    if (!flow.closed && !flow.aborted) {
      throw new AssertionError("connection neither closed nor aborted");
    }
  }

  @Provide
  Arbitrary<List<byte[]>> randomInput() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<byte[]>> mutatedInput() {
    Arbitrary<String> stream = Arbitraries.of(VALID).list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("", l));
    Arbitrary<List<int[]>> edits = Combinators.combine(
            Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 255))
        .as((kind, at, value) -> new int[] {kind, at, value})
        .list().ofMaxSize(4);
    Arbitrary<List<Integer>> cuts = Arbitraries.integers().between(1, 64).list().ofMaxSize(6);
    return Combinators.combine(stream, edits, cuts).as((s, es, cs) -> {
      List<Byte> b = new ArrayList<>();
      for (byte x : s.getBytes(StandardCharsets.ISO_8859_1)) {
        b.add(x);
      }
      for (int[] e : es) {
        int at = b.isEmpty() ? 0 : e[1] % b.size();
        switch (e[0]) {
          case 0 -> { if (!b.isEmpty()) { b.set(at, (byte) e[2]); } }
          case 1 -> b.add(at, (byte) e[2]);
          default -> { if (!b.isEmpty()) { b.remove(at); } }
        }
      }
      byte[] all = new byte[b.size()];
      for (int i = 0; i < all.length; i++) {
        all[i] = b.get(i);
      }
      List<byte[]> pieces = new ArrayList<>();
      int pos = 0;
      for (int c : cs) {
        if (pos >= all.length) {
          break;
        }
        int n = Math.min(c, all.length - pos);
        pieces.add(java.util.Arrays.copyOfRange(all, pos, pos + n));
        pos += n;
      }
      if (pos < all.length) {
        pieces.add(java.util.Arrays.copyOfRange(all, pos, all.length));
      }
      return pieces;
    });
  }
}
