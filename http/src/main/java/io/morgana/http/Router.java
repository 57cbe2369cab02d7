package io.morgana.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Dispatches on method and path: routes are tried in the order added, and the first whose
 * pattern matches the path and whose method is the request's answers. A pattern is a path
 * ({@code /metrics}: that path only) or a prefix ending in {@code /*} ({@code /static/*}: {@code
 * /static/} and everything below; {@code /*}: every path). A {@code GET} route answers {@code
 * HEAD} too (RFC 9110 §9.3.2). A path that some route matches for other methods only gets 405
 * with {@code Allow} listing them (RFC 9110 §15.5.6); a path no route matches gets 404.
 *
 * <pre>{@code
 * Router router = Router.builder()
 *     .get("/health", r -> HttpResponse.text(200, "ok\n"))
 *     .get("/*", new KvFileHandler(kv, ""))
 *     .build();
 * }</pre>
 */
public final class Router implements HttpHandler {

  private record Route(String method, String pattern, HttpHandler handler) {
    boolean matches(String path) {
      if (pattern.endsWith("/*")) {
        String prefix = pattern.substring(0, pattern.length() - 1);
        return path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1));
      }
      return path.equals(pattern);
    }

    boolean answers(String requestMethod) {
      return method.equals(requestMethod) || (method.equals("GET") && requestMethod.equals("HEAD"));
    }
  }

  private final List<Route> routes;

  private Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /** A router with no routes yet. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public HttpResponse handle(HttpRequest request) throws IOException {
    TreeSet<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      if (r.matches(request.path())) {
        if (r.answers(request.method())) {
          return r.handler().handle(request);
        }
        allowed.add(r.method());
        if (r.method().equals("GET")) {
          allowed.add("HEAD");
        }
      }
    }
    if (allowed.isEmpty()) {
      return HttpResponse.text(404, "not found\n");
    }
    return HttpResponse.text(405, "method not allowed\n").withHeader("Allow", String.join(", ", allowed));
  }

  /** Collects routes. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    /** Adds a route for {@code method} on {@code pattern}. */
    public Builder route(String method, String pattern, HttpHandler handler) {
      if (!pattern.startsWith("/")) {
        throw new IllegalArgumentException("a pattern starts with /: " + pattern);
      }
      routes.add(new Route(method, pattern, handler));
      return this;
    }

    /** Adds a {@code GET} (and {@code HEAD}) route. */
    public Builder get(String pattern, HttpHandler handler) {
      return route("GET", pattern, handler);
    }

    /** Adds a {@code POST} route. */
    public Builder post(String pattern, HttpHandler handler) {
      return route("POST", pattern, handler);
    }

    public Router build() {
      return new Router(routes);
    }
  }
}
