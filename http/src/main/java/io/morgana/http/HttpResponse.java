package io.morgana.http;

import io.morgana.http.wire.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * A response from a handler: status, header fields and {@link Content}. Immutable; {@code with…}
 * return copies. The server adds {@code Date}, {@code Content-Length} and {@code Connection}
 * itself (RFC 9110 §6.6.1, §8.6; RFC 9112 §9.6) and leaves the content out of a {@code HEAD},
 * 204 or 304 answer.
 *
 * @param status the status code
 * @param headers fields set by the handler
 * @param content the content
 */
public record HttpResponse(int status, HttpHeaders headers, Content content) {

  public HttpResponse {
    if (status < 200 || status > 999) {
      throw new IllegalArgumentException("a final response has a status of 200..999: " + status);
    }
  }

  /** {@code status} with no content. */
  public static HttpResponse status(int status) {
    return new HttpResponse(status, HttpHeaders.EMPTY, Content.EMPTY);
  }

  /** {@code status} with {@code text} as {@code text/plain; charset=utf-8}. */
  public static HttpResponse text(int status, String text) {
    return new HttpResponse(status, HttpHeaders.EMPTY.with("Content-Type", "text/plain; charset=utf-8"),
        Content.of(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** This response with one more header field. */
  public HttpResponse withHeader(String name, String value) {
    return new HttpResponse(status, headers.with(name, value), content);
  }

  /** This response with other content. */
  public HttpResponse withContent(Content other) {
    return new HttpResponse(status, headers, other);
  }
}
