package io.morgana.net.tcpip.tcp;

/**
 * Sequence-number arithmetic modulo 2³² (RFC 9293 §3.4): {@code a < b} when {@code b - a},
 * as a signed 32-bit difference, is positive. Valid for numbers less than 2³¹ apart.
 */
public final class Seq {

  private Seq() {}

  public static boolean lt(int a, int b) {
    return a - b < 0;
  }

  public static boolean le(int a, int b) {
    return a - b <= 0;
  }

  public static boolean gt(int a, int b) {
    return a - b > 0;
  }

  public static boolean ge(int a, int b) {
    return a - b >= 0;
  }

  /** Whether {@code left <= x < right}. */
  public static boolean inRange(int x, int left, int right) {
    return le(left, x) && lt(x, right);
  }

  public static int max(int a, int b) {
    return gt(a, b) ? a : b;
  }

  public static int min(int a, int b) {
    return lt(a, b) ? a : b;
  }
}
