package io.morgana.http.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestHeadParserTest {

  private final RequestHeadParser parser = new RequestHeadParser(64, 256);

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  private int status(String request) {
    return assertThrows(MalformedRequestException.class, () -> parser.parse(bytes(request))).status();
  }

  @Test
  void parse_requestLineAndFields_readerIndexAfterTheEmptyLine() throws Exception {
    ByteBuf b = bytes("GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept:  */* \t\r\nX-Two: 1\r\nX-Two: 2\r\n\r\nNEXT");
    RequestHead h = parser.parse(b);
    assertEquals("GET", h.method());
    assertEquals("/a%20b?x=1", h.target());
    assertEquals(HttpVersion.HTTP_1_1, h.version());
    assertEquals("*/*", h.headers().first("accept").orElseThrow());
    assertEquals(List.of("1", "2"), h.headers().all("x-two"));
    assertEquals("NEXT", b.toString(StandardCharsets.US_ASCII));
    assertTrue(h.keepAlive());
  }

  @Test
  void rfc9112_2_2_emptyLinesBeforeTheRequestLineAndBareLf_accepted() throws Exception {
    RequestHead h = parser.parse(bytes("\r\n\nGET / HTTP/1.0\nConnection: keep-alive\n\n"));
    assertEquals(HttpVersion.HTTP_1_0, h.version());
    assertTrue(h.keepAlive());
  }

  @Test
  void incomplete_returnsNull_atEveryPrefix() throws Exception {
    String full = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n";
    for (int i = 0; i < full.length(); i++) {
      ByteBuf b = bytes(full.substring(0, i));
      assertNull(parser.parse(b), "prefix of " + i);
    }
    assertEquals("/x", parser.parse(bytes(full)).target());
  }

  @Test
  void rfc9112_3_requestLineOverTheLimit_414_evenBeforeItEnds() {
    assertEquals(414, status("GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    assertEquals(414, status("GET /" + "a".repeat(100)));
  }

  @Test
  void rfc6585_5_headerSectionOverTheLimit_431_evenBeforeItEnds() {
    assertEquals(431, status("GET / HTTP/1.1\r\nHost: h\r\nX: " + "v".repeat(300) + "\r\n\r\n"));
    assertEquals(431, status("GET / HTTP/1.1\r\nHost: h\r\nX: " + "v".repeat(300)));
  }

  @Test
  void rfc9112_5_1_whitespaceBeforeColon_400() {
    assertEquals(400, status("GET / HTTP/1.1\r\nHost : h\r\n\r\n"));
  }

  @Test
  void rfc9112_5_2_obsoleteLineFolding_400() {
    assertEquals(400, status("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n"));
  }

  @Test
  void rfc9112_3_2_http11WithoutHostOrWithTwo_400() {
    assertEquals(400, status("GET / HTTP/1.1\r\n\r\n"));
    assertEquals(400, status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
  }

  @Test
  void malformedRequestLines_400() {
    assertEquals(400, status("GET  / HTTP/1.1\r\n\r\n"));
    assertEquals(400, status("GET / HTTP/1.1 x\r\n\r\n"));
    assertEquals(400, status("G(T / HTTP/1.1\r\n\r\n"));
    assertEquals(400, status("GET /\u00e9 HTTP/1.1\r\n\r\n"));
    assertEquals(400, status("GET / HTTX/1.1\r\n\r\n"));
    assertEquals(400, status("GET /\r HTTP/1.1\r\n\r\n"));
    assertEquals(400, status(" GET"));
    assertEquals(400, status("GE\u0000"));
  }

  @Test
  void controlCharactersInValues_andBareCr_400() {
    assertEquals(400, status("GET / HTTP/1.1\r\nHost: h\u0000\r\n\r\n"));
    assertEquals(400, status("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n"));
    assertEquals(400, status("GET / HTTP/1.1\r\n: v\r\n\r\n"));
  }

  @Test
  void rfc9112_2_3_otherVersions_505() {
    assertEquals(505, status("GET / HTTP/2.0\r\n\r\n"));
  }

  @Test
  void connectionClose_endsKeepAlive() throws Exception {
    assertTrue(!parser.parse(bytes("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, Close\r\n\r\n")).keepAlive());
    assertTrue(!parser.parse(bytes("GET / HTTP/1.0\r\n\r\n")).keepAlive());
  }
}
