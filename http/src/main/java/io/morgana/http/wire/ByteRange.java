package io.morgana.http.wire;

/**
 * Satisfiable bytes of a representation: {@code first} to {@code last} inclusive.
 *
 * @param first the first byte's offset
 * @param last the last byte's offset, at least {@code first}
 */
public record ByteRange(long first, long last) {

  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("range " + first + "-" + last);
    }
  }

  /** How many bytes. */
  public long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value of a 206 (RFC 9110 §14.4): {@code bytes 0-99/1234}. */
  public String contentRange(long completeLength) {
    return "bytes " + first + "-" + last + "/" + completeLength;
  }

  /** The {@code Content-Range} value of a 416 (RFC 9110 §15.5.17): {@code bytes *&#47;1234}. */
  public static String unsatisfied(long completeLength) {
    return "bytes */" + completeLength;
  }
}
