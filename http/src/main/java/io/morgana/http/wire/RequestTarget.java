package io.morgana.http.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request target (RFC 9112 §3.2) decoded into a normalised path: origin-form ({@code
 * /a/b?q}) or absolute-form ({@code http://host/a/b?q}, RFC 9112 §3.2.2), percent-decoded as
 * UTF-8 (RFC 3986 §2.1) segment by segment.
 *
 * <p>Empty segments and {@code .} are dropped. Refused with 400, before any handler sees them:
 * a {@code ..} segment, literal or encoded (no traversal out of a directory, RFC 3986 §5.2.4
 * notwithstanding: a file server has no use for it), an encoded {@code /} or {@code \}
 * ({@code %2F}, {@code %5C}: a segment may not hide a separator), NUL and other control
 * characters, malformed percent-encoding and bytes that are not UTF-8, and a fragment.
 *
 * @param path the normalised path: {@code /}, or {@code /} and segments joined by {@code /},
 *     ending in {@code /} when the target's path did
 * @param segments the decoded segments
 * @param query the query after {@code ?}, not decoded ({@code ""} when there is none)
 */
public record RequestTarget(String path, List<String> segments, String query) {

  public RequestTarget {
    segments = List.copyOf(segments);
  }

  /** Whether the path names a directory: it is {@code /} or ends with {@code /}. */
  public boolean isDirectory() {
    return path.endsWith("/");
  }

  /**
   * Decodes {@code target} as sent on the request line.
   *
   * @throws MalformedRequestException (400) for anything this class refuses
   */
  public static RequestTarget parse(String target) throws MalformedRequestException {
    String t = target;
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int authority = t.indexOf("//") + 2;
      int slash = t.indexOf('/', authority);
      int question = t.indexOf('?', authority);
      if (slash < 0 || (question >= 0 && question < slash)) {
        t = "/" + (question >= 0 ? t.substring(question) : "");
      } else {
        t = t.substring(slash);
      }
    }
    if (!t.startsWith("/")) {
      throw new MalformedRequestException(400, "request target is neither origin-form nor absolute-form");
    }
    if (t.indexOf('#') >= 0) {
      throw new MalformedRequestException(400, "request target holds a fragment");
    }
    int q = t.indexOf('?');
    String rawPath = q < 0 ? t : t.substring(0, q);
    String query = q < 0 ? "" : t.substring(q + 1);
    List<String> segments = new ArrayList<>();
    for (String raw : rawPath.split("/", -1)) {
      String s = decode(raw);
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        throw new MalformedRequestException(400, "path segment '..'");
      }
      segments.add(s);
    }
    boolean directory = rawPath.endsWith("/") || rawPath.endsWith("/.") || rawPath.equals("/.");
    StringBuilder path = new StringBuilder();
    for (String s : segments) {
      path.append('/').append(s);
    }
    if (segments.isEmpty() || directory) {
      path.append('/');
    }
    return new RequestTarget(path.toString(), segments, query);
  }

  private static String decode(String raw) throws MalformedRequestException {
    if (raw.indexOf('%') < 0) {
      checkChars(raw);
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new MalformedRequestException(400, "truncated percent-encoding");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new MalformedRequestException(400, "malformed percent-encoding");
        }
        int b = hi << 4 | lo;
        if (b == '/' || b == '\\') {
          throw new MalformedRequestException(400, "encoded separator in a path segment");
        }
        bytes.write(b);
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedRequestException(400, "path segment is not UTF-8");
    }
    checkChars(s);
    return s;
  }

  private static void checkChars(String s) throws MalformedRequestException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new MalformedRequestException(400, "control character or NUL in the path");
      }
      if (c == '\\') {
        throw new MalformedRequestException(400, "backslash in the path");
      }
    }
  }

  /**
   * {@code path} percent-encoded for a {@code Location} field (RFC 3986 §2.1): every byte of its
   * UTF-8 form outside unreserved characters, {@code /} and the sub-delimiters becomes {@code %XX}.
   */
  public static String encodePath(String path) {
    StringBuilder out = new StringBuilder(path.length() + 16);
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~/!$&'()*+,;=:@".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }
}
