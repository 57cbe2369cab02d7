package io.morgana.block;

import java.util.Locale;

/** Sizes as people type them: {@code 4096}, {@code 64K}, {@code 64M}, {@code 1G}, {@code 2T} (powers of 1024). */
public final class ByteSizes {

  private ByteSizes() {}

  /**
   * Parses a size in bytes with an optional {@code K}, {@code M}, {@code G} or {@code T} suffix
   * (case-insensitive, an optional trailing {@code B} or {@code iB} allowed: {@code 64MiB}).
   *
   * @throws IllegalArgumentException quoting the text when it is not a size or overflows
   */
  public static long parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
      t = t.substring(0, t.length() - 1);
    }
    int shift = 0;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        case 'T' -> shift = 40;
        default -> {}
      }
    }
    if (shift > 0) {
      t = t.substring(0, t.length() - 1);
    }
    if (t.isEmpty() || t.length() > 19 || !t.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("'" + text + "' is not a size (bytes, or a number with K, M, G or T)");
    }
    long n = Long.parseLong(t);
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return n << shift;
  }
}
