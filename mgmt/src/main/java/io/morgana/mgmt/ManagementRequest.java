package io.morgana.mgmt;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A management request as any transport delivers it: method, request target, headers and body.
 *
 * @param method the HTTP method, {@code GET}
 * @param target the request target: a path, perhaps with a query ({@code /cmd/conns})
 * @param headers header fields; names compared without regard to case
 * @param body the body's bytes (empty when there is none)
 */
public record ManagementRequest(String method, String target, Map<String, String> headers, byte[] body) {

  public ManagementRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(target, "target");
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    headers = Collections.unmodifiableMap(h);
    body = body == null ? new byte[0] : body;
  }

  /** A request with no body. */
  public static ManagementRequest of(String method, String target, Map<String, String> headers) {
    return new ManagementRequest(method, target, headers, new byte[0]);
  }

  /** The value of header {@code name} (any case). */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
