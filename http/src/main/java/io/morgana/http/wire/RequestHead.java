package io.morgana.http.wire;

/**
 * A parsed request line and header section (RFC 9112 §3, §5).
 *
 * @param method the method token, case-sensitive ({@code GET})
 * @param target the request target as sent, not decoded ({@link RequestTarget#parse} decodes it)
 * @param version the protocol version
 * @param headers the header fields
 */
public record RequestHead(String method, String target, HttpVersion version, HttpHeaders headers) {

  /**
   * Whether the client asks to keep the connection after this request (RFC 9112 §9.3):
   * HTTP/1.1 unless {@code Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive}.
   */
  public boolean keepAlive() {
    if (headers.hasToken("Connection", "close")) {
      return false;
    }
    return version == HttpVersion.HTTP_1_1 || headers.hasToken("Connection", "keep-alive");
  }
}
