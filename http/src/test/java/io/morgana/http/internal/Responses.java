package io.morgana.http.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Splits what a server wrote into responses, strictly (RFC 9112 §4, §6): a status line, field
 * lines ending in CRLF, an empty line, and exactly {@code Content-Length} bytes of content. A
 * malformed or truncated response fails the test.
 */
final class Responses {

  record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Responses() {}

  /** The responses in {@code bytes}; {@code headRequests} says which have no content despite their Content-Length. */
  static List<Response> parse(byte[] bytes, java.util.function.IntPredicate headRequest) {
    List<Response> out = new ArrayList<>();
    int pos = 0;
    while (pos < bytes.length) {
      int end = indexOf(bytes, pos, "\r\n\r\n");
      if (end < 0) {
        throw new AssertionError("truncated response head at " + pos + ": "
            + new String(bytes, pos, bytes.length - pos, StandardCharsets.ISO_8859_1));
      }
      String head = new String(bytes, pos, end - pos, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n", -1);
      if (!lines[0].matches("HTTP/1\\.1 [1-5][0-9][0-9] [A-Za-z -]*")) {
        throw new AssertionError("bad status line: " + lines[0]);
      }
      int status = Integer.parseInt(lines[0].substring(9, 12));
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(": ");
        if (colon <= 0 || lines[i].contains("\r") || lines[i].contains("\n")) {
          throw new AssertionError("bad field line: " + lines[i]);
        }
        headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 2));
      }
      pos = end + 4;
      int length = 0;
      if (status != 100 && status != 204 && status != 304 && !headRequest.test(out.size())) {
        String cl = headers.get("content-length");
        if (cl == null) {
          throw new AssertionError("no Content-Length: " + head);
        }
        length = Integer.parseInt(cl);
      }
      if (pos + length > bytes.length) {
        throw new AssertionError("truncated content: " + head);
      }
      byte[] body = java.util.Arrays.copyOfRange(bytes, pos, pos + length);
      pos += length;
      if (status != 100) {
        out.add(new Response(status, headers, body));
      }
    }
    return out;
  }

  static List<Response> parse(byte[] bytes) {
    return parse(bytes, i -> false);
  }

  private static int indexOf(byte[] b, int from, String s) {
    byte[] p = s.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = from; i <= b.length - p.length; i++) {
      for (int j = 0; j < p.length; j++) {
        if (b[i + j] != p[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
