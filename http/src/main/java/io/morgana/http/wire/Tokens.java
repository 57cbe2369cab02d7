package io.morgana.http.wire;

/** Character classes of RFC 9110 §5.6.2 ({@code token}, {@code tchar}). */
final class Tokens {

  private Tokens() {}

  /** {@code tchar}: {@code ! # $ % & ' * + - . ^ _ ` | ~}, digits and letters. */
  static boolean isTchar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** {@code token = 1*tchar}. */
  static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTchar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
