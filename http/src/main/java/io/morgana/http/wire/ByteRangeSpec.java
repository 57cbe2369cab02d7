package io.morgana.http.wire;

import java.util.Optional;

/**
 * A {@code Range} header asking for one range of bytes (RFC 9110 §14.1.2):
 *
 * <pre>
 *   Range           = "bytes=" ( int-range / suffix-range )
 *   int-range       = first-pos "-" [ last-pos ]
 *   suffix-range    = "-" suffix-length
 * </pre>
 *
 * <p>The server supports one range per request: {@link #parse} returns empty for several ranges,
 * another unit or bad syntax, and the server then ignores the header and sends the whole
 * representation, as RFC 9110 §14.2 permits. Positions too large for a {@code long} saturate.
 *
 * @param first the first byte, or -1 for a suffix range
 * @param last the last byte (inclusive), -1 when open-ended; for a suffix range, the suffix length
 */
public record ByteRangeSpec(long first, long last) {

  /** The range {@code value} asks for; empty when the server is to ignore the header. */
  public static Optional<ByteRangeSpec> parse(String value) {
    String v = value.strip();
    if (v.length() < 6 || !v.regionMatches(true, 0, "bytes=", 0, 6)) {
      return Optional.empty();
    }
    String spec = v.substring(6).strip();
    if (spec.indexOf(',') >= 0) {
      return Optional.empty();
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    String a = spec.substring(0, dash).strip();
    String b = spec.substring(dash + 1).strip();
    if (a.isEmpty()) {
      long n = digits(b);
      return n < 0 ? Optional.empty() : Optional.of(new ByteRangeSpec(-1, n));
    }
    long first = digits(a);
    if (first < 0) {
      return Optional.empty();
    }
    if (b.isEmpty()) {
      return Optional.of(new ByteRangeSpec(first, -1));
    }
    long last = digits(b);
    if (last < 0 || last < first) {
      return Optional.empty();
    }
    return Optional.of(new ByteRangeSpec(first, last));
  }

  /** The non-negative number of {@code s}, saturating at {@link Long#MAX_VALUE}; -1 unless 1*DIGIT. */
  private static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : n * 10 + (c - '0');
    }
    return n;
  }

  /**
   * The bytes this asks for of a representation of {@code length} bytes; empty when none of
   * them exist (RFC 9110 §14.1.1: unsatisfiable, answered with 416).
   */
  public Optional<ByteRange> resolve(long length) {
    if (first < 0) {
      if (last == 0 || length == 0) {
        return Optional.empty();
      }
      return Optional.of(new ByteRange(Math.max(0, length - last), length - 1));
    }
    if (first >= length) {
      return Optional.empty();
    }
    long end = last < 0 ? length - 1 : Math.min(last, length - 1);
    return Optional.of(new ByteRange(first, end));
  }
}
