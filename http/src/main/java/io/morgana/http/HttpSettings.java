package io.morgana.http;

import java.time.Duration;

/**
 * Limits and timeouts of an {@link HttpServer}.
 *
 * @param port the TCP port to listen on
 * @param maxRequestLineBytes the longest request line (longer: 414 URI Too Long, RFC 9112 §3)
 * @param maxHeaderBytes the largest header section (larger: 431, RFC 6585 §5)
 * @param maxBodyBytes the largest request body (larger: 413, RFC 9110 §15.5.14)
 * @param idleTimeout how long a connection may wait for the next request, or make no progress
 *     reading a body or taking a response, before it is cut off
 * @param headerTimeout how long a client may take to send a whole request head from its first
 *     byte (a slow client is cut off, however little at a time it sends)
 * @param maxConnections connections served at once; more wait in the listen backlog
 * @param chunkBytes the largest piece of content read and written at once
 * @param accessLog whether each request is logged at INFO to logger {@code io.morgana.http.access}
 */
public record HttpSettings(
    int port,
    int maxRequestLineBytes,
    int maxHeaderBytes,
    int maxBodyBytes,
    Duration idleTimeout,
    Duration headerTimeout,
    int maxConnections,
    int chunkBytes,
    boolean accessLog) {

  public HttpSettings {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1..65535: " + port);
    }
    if (maxRequestLineBytes < 16 || maxHeaderBytes < 64 || maxBodyBytes < 0 || maxConnections < 1
        || chunkBytes < 512) {
      throw new IllegalArgumentException("limits too small: " + this);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero() || headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive: " + this);
    }
  }

  /**
   * Defaults on {@code port}: request line 8 KiB, header section 16 KiB, body 1 MiB, idle 60 s,
   * head 10 s, 1,024 connections, 64 KiB pieces, access log on.
   */
  public static HttpSettings defaults(int port) {
    return new HttpSettings(port, 8192, 16_384, 1 << 20, Duration.ofSeconds(60), Duration.ofSeconds(10),
        1024, 64 * 1024, true);
  }

  public HttpSettings withTimeouts(Duration idle, Duration header) {
    return new HttpSettings(port, maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, idle, header,
        maxConnections, chunkBytes, accessLog);
  }

  public HttpSettings withLimits(int requestLine, int header, int body) {
    return new HttpSettings(port, requestLine, header, body, idleTimeout, headerTimeout, maxConnections,
        chunkBytes, accessLog);
  }

  public HttpSettings withMaxConnections(int n) {
    return new HttpSettings(port, maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, idleTimeout,
        headerTimeout, n, chunkBytes, accessLog);
  }

  public HttpSettings withAccessLog(boolean on) {
    return new HttpSettings(port, maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, idleTimeout,
        headerTimeout, maxConnections, chunkBytes, on);
  }
}
