package io.morgana.http.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a request head — request line and header section — from the bytes received so far
 * (RFC 9112 §2.2, §3, §5), within two limits: the request line's length (longer: 414, RFC 9112
 * §3) and the header section's size (larger: 431, RFC 6585 §5).
 *
 * <pre>
 *   request-line   = method SP request-target SP HTTP-version CRLF
 *   field-line     = field-name ":" OWS field-value OWS CRLF
 *   HTTP-message   = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
 * </pre>
 *
 * <p>Lenient only where RFC 9112 allows it: empty lines before the request line are skipped
 * (§2.2) and a bare LF ends a line (§2.2). Strict elsewhere, as the RFC requires or permits:
 * whitespace between a field name and the colon (§5.1), obsolete line folding (§5.2), a bare CR
 * (§2.2), control characters and NUL in a field value (RFC 9110 §5.5), a missing or repeated
 * {@code Host} in HTTP/1.1 (§3.2) are all 400. A version other than 1.0 and 1.1 is 505.
 *
 * <p>Stateless: {@link #parse} reads the buffer from its reader index each time it is called.
 */
public final class RequestHeadParser {

  private final int maxRequestLineBytes;
  private final int maxHeaderBytes;

  /**
   * @param maxRequestLineBytes the longest request line accepted, line ending excluded
   * @param maxHeaderBytes the largest header section accepted, line endings included
   */
  public RequestHeadParser(int maxRequestLineBytes, int maxHeaderBytes) {
    if (maxRequestLineBytes < 16 || maxHeaderBytes < 2) {
      throw new IllegalArgumentException("limits too small: " + maxRequestLineBytes + ", " + maxHeaderBytes);
    }
    this.maxRequestLineBytes = maxRequestLineBytes;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /**
   * Parses one request head from {@code buf}'s readable bytes. Empty lines before it are
   * consumed even when the head is not complete yet.
   *
   * @return the head, with {@code buf}'s reader index moved past its final empty line; or
   *     {@code null} when the head is not complete yet (nothing else consumed)
   * @throws MalformedRequestException when the bytes cannot start a valid request head, however
   *     they continue, or exceed a limit
   */
  public RequestHead parse(ByteBuf buf) throws MalformedRequestException {
    while (buf.isReadable()) {
      byte b = buf.getByte(buf.readerIndex());
      if (b == '\n') {
        buf.skipBytes(1);
      } else if (b == '\r' && buf.readableBytes() >= 2 && buf.getByte(buf.readerIndex() + 1) == '\n') {
        buf.skipBytes(2);
      } else if (b == '\r' && buf.readableBytes() == 1) {
        return null;
      } else {
        break;
      }
    }
    int start = buf.readerIndex();
    int end = buf.writerIndex();
    int lineEnd = indexOfLf(buf, start, Math.min(end, start + maxRequestLineBytes + 2));
    if (lineEnd < 0) {
      if (end - start > maxRequestLineBytes + 1) {
        throw new MalformedRequestException(414, "request line longer than " + maxRequestLineBytes + " bytes");
      }
      checkRequestLinePrefix(buf, start, end);
      return null;
    }
    int lineLen = contentLength(buf, start, lineEnd);
    if (lineLen > maxRequestLineBytes) {
      throw new MalformedRequestException(414, "request line longer than " + maxRequestLineBytes + " bytes");
    }
    String line = ascii(buf, start, lineLen);
    int sp1 = line.indexOf(' ');
    int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0 || sp2 == sp1 + 1) {
      throw new MalformedRequestException(400, "request line is not METHOD SP TARGET SP VERSION");
    }
    String method = line.substring(0, sp1);
    String target = line.substring(sp1 + 1, sp2);
    String versionText = line.substring(sp2 + 1);
    if (!Tokens.isToken(method)) {
      throw new MalformedRequestException(400, "method is not a token");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new MalformedRequestException(400, "request target holds a byte outside visible ASCII");
      }
    }
    HttpVersion version = version(versionText);

    List<HttpHeaders.Field> fields = new ArrayList<>();
    int pos = lineEnd + 1;
    int headerStart = pos;
    while (true) {
      int limit = Math.min(end, headerStart + maxHeaderBytes + 1);
      int lf = indexOfLf(buf, pos, limit);
      if (lf < 0) {
        if (end - headerStart > maxHeaderBytes) {
          throw new MalformedRequestException(431, "header section larger than " + maxHeaderBytes + " bytes");
        }
        return null;
      }
      if (lf + 1 - headerStart > maxHeaderBytes) {
        throw new MalformedRequestException(431, "header section larger than " + maxHeaderBytes + " bytes");
      }
      int len = contentLength(buf, pos, lf);
      if (len == 0) {
        buf.readerIndex(lf + 1);
        break;
      }
      fields.add(field(buf, pos, len));
      pos = lf + 1;
    }
    HttpHeaders headers = HttpHeaders.of(fields);
    int hosts = headers.count("Host");
    if (version == HttpVersion.HTTP_1_1 && hosts != 1) {
      throw new MalformedRequestException(400, hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host");
    }
    return new RequestHead(method, target, version, headers);
  }

  /** Refuses early what no continuation can make valid: a method with a byte outside tchar. */
  private static void checkRequestLinePrefix(ByteBuf buf, int start, int end) throws MalformedRequestException {
    for (int i = start; i < end; i++) {
      int c = buf.getByte(i) & 0xff;
      if (c == ' ') {
        if (i == start) {
          throw new MalformedRequestException(400, "request line starts with a space");
        }
        return;
      }
      if (!Tokens.isTchar(c) && !(c == '\r' && i == end - 1)) {
        throw new MalformedRequestException(400, "method is not a token");
      }
    }
  }

  private static HttpVersion version(String text) throws MalformedRequestException {
    return switch (text) {
      case "HTTP/1.1" -> HttpVersion.HTTP_1_1;
      case "HTTP/1.0" -> HttpVersion.HTTP_1_0;
      default -> {
        if (text.length() == 8 && text.startsWith("HTTP/") && Character.isDigit(text.charAt(5))
            && text.charAt(6) == '.' && Character.isDigit(text.charAt(7))) {
          throw new MalformedRequestException(505, "HTTP version " + text + " not supported");
        }
        throw new MalformedRequestException(400, "not an HTTP version");
      }
    };
  }

  private static HttpHeaders.Field field(ByteBuf buf, int pos, int len) throws MalformedRequestException {
    byte first = buf.getByte(pos);
    if (first == ' ' || first == '\t') {
      throw new MalformedRequestException(400, "obsolete line folding");
    }
    int colon = -1;
    for (int i = pos; i < pos + len; i++) {
      int c = buf.getByte(i) & 0xff;
      if (c == ':') {
        colon = i;
        break;
      }
      if (!Tokens.isTchar(c)) {
        throw new MalformedRequestException(400, "field name is not a token");
      }
    }
    if (colon <= pos) {
      throw new MalformedRequestException(400, "field line without a name and colon");
    }
    int vs = colon + 1;
    int ve = pos + len;
    while (vs < ve && isOws(buf.getByte(vs))) {
      vs++;
    }
    while (ve > vs && isOws(buf.getByte(ve - 1))) {
      ve--;
    }
    for (int i = vs; i < ve; i++) {
      int c = buf.getByte(i) & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new MalformedRequestException(400, "control character in a field value");
      }
    }
    String name = buf.toString(pos, colon - pos, StandardCharsets.US_ASCII);
    String value = buf.toString(vs, ve - vs, StandardCharsets.ISO_8859_1);
    return new HttpHeaders.Field(name, value);
  }

  private static boolean isOws(byte b) {
    return b == ' ' || b == '\t';
  }

  private static int indexOfLf(ByteBuf buf, int from, int to) {
    return from >= to ? -1 : buf.indexOf(from, to, (byte) '\n');
  }

  /** Length of the line from {@code start} to the LF at {@code lf}, without an optional CR; a CR elsewhere is 400. */
  private static int contentLength(ByteBuf buf, int start, int lf) throws MalformedRequestException {
    int len = lf - start;
    if (len > 0 && buf.getByte(lf - 1) == '\r') {
      len--;
    }
    if (buf.indexOf(start, start + len, (byte) '\r') >= 0) {
      throw new MalformedRequestException(400, "bare CR in a line");
    }
    return len;
  }

  private static String ascii(ByteBuf buf, int start, int len) throws MalformedRequestException {
    for (int i = start; i < start + len; i++) {
      int c = buf.getByte(i) & 0xff;
      if (c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7f) {
        throw new MalformedRequestException(400, "request line holds a byte outside printable ASCII");
      }
    }
    return buf.toString(start, len, StandardCharsets.US_ASCII);
  }
}
