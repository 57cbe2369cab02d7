package io.morgana.http;

import java.io.IOException;

/**
 * Answers one request: plain Java, called on the connection's own (virtual) thread, so it may
 * block ({@code Kv} reads, say). A failure becomes a 500 and closes the connection.
 *
 * <p>For {@code HEAD}, a handler answers as for {@code GET}; the server sends the head only (RFC
 * 9110 §9.3.2).
 */
@FunctionalInterface
public interface HttpHandler {

  /** The response to {@code request}. */
  HttpResponse handle(HttpRequest request) throws IOException;
}
