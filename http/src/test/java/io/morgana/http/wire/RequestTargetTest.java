package io.morgana.http.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RequestTargetTest {

  @Test
  void decodesUtf8PercentEncoding_andKeepsTheQueryRaw() throws Exception {
    RequestTarget t = RequestTarget.parse("/caf%C3%A9/a%20b.txt?q=%20x");
    assertEquals("/café/a b.txt", t.path());
    assertEquals(List.of("café", "a b.txt"), t.segments());
    assertEquals("q=%20x", t.query());
    assertFalse(t.isDirectory());
  }

  @Test
  void normalises_emptyAndDotSegments_keepsTheTrailingSlash() throws Exception {
    assertEquals("/a/b/", RequestTarget.parse("//a/./b//").path());
    assertEquals("/", RequestTarget.parse("/").path());
    assertEquals("/a/", RequestTarget.parse("/a/.").path());
    assertTrue(RequestTarget.parse("/").isDirectory());
  }

  @Test
  void rfc9112_3_2_2_absoluteForm_pathOnly() throws Exception {
    assertEquals("/x/y", RequestTarget.parse("http://example.com:8080/x/y").path());
    assertEquals("/", RequestTarget.parse("http://example.com").path());
    assertEquals("a", RequestTarget.parse("http://example.com?a").query());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/..", "/a/../b", "/a/%2e%2e/b", "/%2E%2E", "/.%2e/", "/a%2fb", "/a%2Fb", "/a%5cb",
      "/a\\b", "/a%00b", "/a%0ab", "/%", "/%4", "/%zz", "/%C3", "/%FF", "*", "a/b", "/a#frag", "/%7f"})
  void traversalAndHiddenSeparatorsAndBadEncoding_refused400(String target) {
    assertEquals(400, assertThrows(MalformedRequestException.class, () -> RequestTarget.parse(target)).status());
  }

  @Test
  void encodePath_roundTrips() throws Exception {
    String p = "/dir with space/ünï €/a%b";
    String encoded = RequestTarget.encodePath(p);
    assertEquals("/dir%20with%20space/%C3%BCn%C3%AF%20%E2%82%AC/a%25b", encoded);
    assertEquals(p, RequestTarget.parse(encoded).path());
  }
}
