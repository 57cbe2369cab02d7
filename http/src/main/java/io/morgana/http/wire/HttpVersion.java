package io.morgana.http.wire;

/** The protocol versions the server speaks (RFC 9112 §2.3). */
public enum HttpVersion {
  /** {@code HTTP/1.0}: closes after each response unless asked to keep the connection. */
  HTTP_1_0("HTTP/1.0"),
  /** {@code HTTP/1.1}: persistent connections by default (RFC 9112 §9.3). */
  HTTP_1_1("HTTP/1.1");

  private final String text;

  HttpVersion(String text) {
    this.text = text;
  }

  /** As on the wire: {@code HTTP/1.1}. */
  public String text() {
    return text;
  }
}
