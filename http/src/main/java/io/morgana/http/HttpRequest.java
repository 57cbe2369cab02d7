package io.morgana.http;

import io.morgana.api.Endpoint;
import io.morgana.http.wire.HttpHeaders;
import io.morgana.http.wire.HttpVersion;
import io.morgana.http.wire.RequestTarget;

/**
 * A request as a handler sees it: the head parsed, the target decoded and normalised, the body
 * read whole (it is bounded by {@link HttpSettings#maxBodyBytes()}).
 *
 * @param method the method, case-sensitive ({@code GET})
 * @param target the decoded target ({@link RequestTarget#path()} is what routes match)
 * @param version the client's protocol version
 * @param headers the header fields
 * @param body the body; empty when there was none
 * @param remote the client's end of the connection
 */
public record HttpRequest(
    String method, RequestTarget target, HttpVersion version, HttpHeaders headers, byte[] body, Endpoint remote) {

  /** The normalised, decoded path: {@code /docs/index.html}. */
  public String path() {
    return target.path();
  }

  /** The first value of header {@code name}, or null. */
  public String header(String name) {
    return headers.first(name).orElse(null);
  }

  /** Whether this is a {@code HEAD} request: the response is sent without its content. */
  public boolean isHead() {
    return method.equals("HEAD");
  }
}
