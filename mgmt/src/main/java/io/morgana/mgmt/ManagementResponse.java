package io.morgana.mgmt;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a management request is answered with, for a transport to send.
 *
 * @param status the HTTP status code
 * @param contentType the body's media type
 * @param headers further header fields ({@code WWW-Authenticate}, {@code Allow})
 * @param body the body's bytes
 */
public record ManagementResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

  /** The media type of every answer but the metrics. */
  public static final String TEXT = "text/plain; charset=utf-8";

  public ManagementResponse {
    Objects.requireNonNull(contentType, "contentType");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** A plain-text answer: {@code text} and a newline. */
  static ManagementResponse text(int status, String text, Map<String, String> headers) {
    return new ManagementResponse(status, TEXT, headers, (text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
