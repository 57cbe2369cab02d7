package io.morgana.mgmt;

import io.morgana.http.Content;
import io.morgana.http.HttpHandler;
import io.morgana.http.HttpRequest;
import io.morgana.http.HttpResponse;
import io.morgana.http.wire.HttpHeaders;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link ManagementRequests} as an {@link HttpHandler} of the HTTP module's server: the request's
 * method, decoded path, {@code Authorization} and {@code Accept} fields and body in; status,
 * {@code Content-Type}, the answer's own fields and body out. {@code HEAD} is answered as {@code
 * GET}; the server leaves the body out (RFC 9110 §9.3.2). Runs on the connection's virtual thread.
 */
public final class ManagementHttpHandler implements HttpHandler {

  private final ManagementRequests requests;

  /** The handler answering with {@code requests}. */
  public ManagementHttpHandler(ManagementRequests requests) {
    this.requests = requests;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    Map<String, String> headers = new HashMap<>(4);
    request.headers().first("Authorization").ifPresent(v -> headers.put("Authorization", v));
    request.headers().first("Accept").ifPresent(v -> headers.put("Accept", v));
    String method = request.isHead() ? "GET" : request.method();
    ManagementResponse answer = requests.handle(new ManagementRequest(method, request.path(), headers, request.body()));
    HttpHeaders fields = HttpHeaders.EMPTY.with("Content-Type", answer.contentType());
    for (Map.Entry<String, String> e : answer.headers().entrySet()) {
      fields = fields.with(e.getKey(), e.getValue());
    }
    return new HttpResponse(answer.status(), fields, Content.of(answer.body()));
  }
}
