package io.morgana.http.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A status line and header section (RFC 9112 §4, §5), written with {@link #emit}:
 *
 * <pre>
 *   status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF
 * </pre>
 *
 * @param version the version of the status line (the server's: HTTP/1.1, RFC 9112 §2.3)
 * @param status a three-digit status code
 * @param headers the fields, written in order; values are ISO-8859-1
 */
public record ResponseHead(HttpVersion version, int status, HttpHeaders headers) {

  public ResponseHead {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be three digits: " + status);
    }
  }

  /** Writes the head, ending with the empty line, at {@code out}'s writer index. */
  public void emit(ByteBuf out) {
    out.writeCharSequence(version.text(), StandardCharsets.US_ASCII);
    out.writeByte(' ');
    out.writeCharSequence(Integer.toString(status), StandardCharsets.US_ASCII);
    out.writeByte(' ');
    out.writeCharSequence(StatusCodes.reason(status), StandardCharsets.US_ASCII);
    out.writeByte('\r').writeByte('\n');
    for (HttpHeaders.Field f : headers.fields()) {
      out.writeCharSequence(f.name(), StandardCharsets.US_ASCII);
      out.writeByte(':').writeByte(' ');
      out.writeCharSequence(f.value(), StandardCharsets.ISO_8859_1);
      out.writeByte('\r').writeByte('\n');
    }
    out.writeByte('\r').writeByte('\n');
  }
}
