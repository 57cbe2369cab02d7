package io.morgana.sim.demo;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A deliberately minimal HTTP/1.0 (RFC 1945) client over {@link Tcp}, for the demo's clients: one
 * {@code GET} per connection, a {@code Content-Length} expected, the server closes. No persistent
 * connections, no other methods, no chunking. Blocking: call from offloaded work. (The server is
 * Morgana's HTTP module.)
 */
public final class MinimalHttp10 {

  private MinimalHttp10() {}

  /** A response: the status code and the body. */
  public record Response(int status, byte[] body) {}

  /** {@code GET path} from {@code server}, reading until the server closes. */
  public static Response get(Tcp tcp, Endpoint server, String path, Duration timeout) throws IOException {
    try (Flow flow = tcp.connect(server, timeout)) {
      flow.write(Unpooled.copiedBuffer("GET " + path + " HTTP/1.0\r\n\r\n", StandardCharsets.US_ASCII));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      ByteBuf b;
      while ((b = flow.read()) != null) {
        try {
          b.readBytes(all, b.readableBytes());
        } finally {
          b.release();
        }
      }
      return parse(all.toByteArray());
    }
  }

  /** Parses a whole response; throws if it is not a well-formed HTTP/1.0 response with a length that matches. */
  static Response parse(byte[] bytes) throws IOException {
    int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (end < 0) {
      throw new IOException("response without a complete head (" + bytes.length + " bytes)");
    }
    String[] lines = new String(bytes, 0, end, StandardCharsets.US_ASCII).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP status line: " + lines[0]);
    }
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad status code: " + lines[0], e);
    }
    long length = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(lines[i].substring(colon + 1).trim());
      }
    }
    int bodyStart = end + 4;
    byte[] body = java.util.Arrays.copyOfRange(bytes, bodyStart, bytes.length);
    if (length >= 0 && length != body.length) {
      throw new IOException("Content-Length " + length + " but " + body.length + " bytes before the end of the stream");
    }
    return new Response(code, body);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
