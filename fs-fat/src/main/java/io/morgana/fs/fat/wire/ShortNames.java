package io.morgana.fs.fat.wire;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * 8.3 names: the LFN checksum (fatgen103 §7), display form, and the Windows/Linux algorithm that
 * derives a unique short alias from a long name (fatgen103 §7 "Basis-Name Generation Algorithm"
 * and "Numeric-Tail Generation Algorithm"): upper-case, characters not allowed in short names
 * become {@code _} (lossy), spaces and leading periods are dropped, up to 8 characters before the
 * first period and 3 after the last, then {@code ~N} when the conversion lost information, the
 * name did not fit, or the alias is taken.
 */
public final class ShortNames {

  private ShortNames() {}

  /** Characters a long name may not contain (besides controls below 0x20). */
  public static final String LONG_INVALID = "\"*/:<>?\\|";
  /** Characters valid in a long name but not in a short name. */
  private static final String SHORT_ONLY_INVALID = "+,;=[]";

  /** The checksum of an 11-byte short name, stored in each of its long-name entries. */
  public static int checksum(byte[] name11) {
    int sum = 0;
    for (int i = 0; i < 11; i++) {
      sum = (((sum & 1) << 7) | ((sum & 0xFF) >>> 1)) + (name11[i] & 0xFF);
      sum &= 0xFF;
    }
    return sum;
  }

  /** {@code "NAME.EXT"} from 11 raw bytes, lower-casing parts flagged in {@code ntRes}. */
  public static String display(byte[] name11, int ntRes) {
    byte[] n = name11.clone();
    if ((n[0] & 0xFF) == 0x05) {
      n[0] = (byte) 0xE5;
    }
    String base = new String(n, 0, 8, StandardCharsets.ISO_8859_1).stripTrailing();
    String ext = new String(n, 8, 3, StandardCharsets.ISO_8859_1).stripTrailing();
    if ((ntRes & DirectoryEntry.NT_LOWER_BASE) != 0) {
      base = base.toLowerCase(Locale.ROOT);
    }
    if ((ntRes & DirectoryEntry.NT_LOWER_EXT) != 0) {
      ext = ext.toLowerCase(Locale.ROOT);
    }
    return ext.isEmpty() ? base : base + "." + ext;
  }

  /**
   * Why {@code name} cannot be a long file name, or {@code null} when it can: empty, {@code .} or
   * {@code ..}, longer than 255 UTF-16 code units, a control or reserved character, or trailing
   * spaces or periods (which Windows strips and Linux refuses).
   */
  public static String invalidLongName(String name) {
    if (name.isEmpty()) {
      return "empty name";
    }
    if (name.equals(".") || name.equals("..")) {
      return "reserved name";
    }
    if (name.length() > 255) {
      return "longer than 255 UTF-16 code units";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7F || LONG_INVALID.indexOf(c) >= 0) {
        return "character U+" + String.format("%04X", (int) c) + " is not allowed";
      }
    }
    char last = name.charAt(name.length() - 1);
    if (last == ' ' || last == '.') {
      return "trailing space or period";
    }
    return null;
  }

  private static boolean shortChar(char c) {
    return c > 0x20 && c < 0x7F && LONG_INVALID.indexOf(c) < 0 && SHORT_ONLY_INVALID.indexOf(c) < 0
        && c != '.' && !(c >= 'a' && c <= 'z');
  }

  /**
   * The 11 bytes of {@code name} if it is exactly an 8.3 name once upper-cased (no numeric tail
   * needed), else {@code null}.
   */
  public static byte[] exact(String name) {
    String up = name.toUpperCase(Locale.ROOT);
    if (up.length() != name.length()) {
      return null;
    }
    int dot = up.indexOf('.');
    String base = dot < 0 ? up : up.substring(0, dot);
    String ext = dot < 0 ? "" : up.substring(dot + 1);
    if (base.isEmpty() || base.length() > 8 || ext.length() > 3 || (dot >= 0 && ext.isEmpty())) {
      return null;
    }
    for (int i = 0; i < base.length(); i++) {
      if (!shortChar(base.charAt(i))) {
        return null;
      }
    }
    for (int i = 0; i < ext.length(); i++) {
      if (!shortChar(ext.charAt(i))) {
        return null;
      }
    }
    return pack(base, ext);
  }

  private static byte[] pack(String base, String ext) {
    byte[] out = new byte[11];
    java.util.Arrays.fill(out, (byte) ' ');
    for (int i = 0; i < base.length(); i++) {
      out[i] = (byte) base.charAt(i);
    }
    for (int i = 0; i < ext.length(); i++) {
      out[8 + i] = (byte) ext.charAt(i);
    }
    return out;
  }

  /**
   * A short alias for long name {@code name} that {@code taken} does not already hold (tested on
   * the 11 raw bytes as a latin-1 string). The exact 8.3 form when the name is one; otherwise the
   * basis name with the smallest free numeric tail {@code ~1}, {@code ~2}, ...
   *
   * @throws IllegalStateException when a million tails are taken (never in a real directory,
   *     which holds at most 65,536 entries)
   */
  public static byte[] alias(String name, Predicate<String> taken) {
    return alias(name, taken, 1);
  }

  /**
   * As {@link #alias(String, Predicate)}, trying numeric tails from {@code firstTail} (a hint
   * from the directory: the tails below it are known to be taken), so that a directory of many
   * similar names does not test ~1, ~2, ... again for every new one.
   */
  public static byte[] alias(String name, Predicate<String> taken, int firstTail) {
    byte[] exact = exact(name);
    if (exact != null && !taken.test(latin1(exact))) {
      return exact;
    }
    String up = name.toUpperCase(Locale.ROOT);
    StringBuilder cleaned = new StringBuilder();
    boolean leading = true;
    for (int i = 0; i < up.length(); i++) {
      char c = up.charAt(i);
      if (c == ' ') {
        continue;
      }
      if (c == '.' && leading) {
        continue;
      }
      leading = false;
      if (c == '.') {
        cleaned.append('.');
      } else if (shortChar(c)) {
        cleaned.append(c);
      } else if (Character.isLowSurrogate(c)) {
        continue; // one '_' for the whole surrogate pair
      } else {
        cleaned.append('_');
      }
    }
    String s = cleaned.toString();
    int first = s.indexOf('.');
    int lastDot = s.lastIndexOf('.');
    String base = (first < 0 ? s : s.substring(0, first));
    String ext = lastDot < 0 ? "" : s.substring(lastDot + 1).replace(".", "");
    if (base.length() > 8) {
      base = base.substring(0, 8);
    }
    if (ext.length() > 3) {
      ext = ext.substring(0, 3);
    }
    if (base.isEmpty()) {
      base = "_";
    }
    for (int n = Math.max(1, firstTail); n < 1_000_000; n++) {
      String tail = "~" + n;
      String b = base.substring(0, Math.min(base.length(), 8 - tail.length())) + tail;
      byte[] cand = pack(b, ext);
      if (!taken.test(latin1(cand))) {
        return cand;
      }
    }
    if (firstTail > 1) {
      return alias(name, taken, 1);
    }
    throw new IllegalStateException("no free short alias for " + name);
  }

  /** The numeric tail N of an alias {@code BASIS~N}, or 0 when it has none. */
  public static int tailOf(byte[] name11) {
    String base = new String(name11, 0, 8, StandardCharsets.ISO_8859_1).stripTrailing();
    int t = base.lastIndexOf('~');
    if (t < 0 || t == base.length() - 1) {
      return 0;
    }
    try {
      return Integer.parseInt(base.substring(t + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The 11 bytes as a latin-1 string, the key under which directories index short names. */
  public static String latin1(byte[] name11) {
    return new String(name11, StandardCharsets.ISO_8859_1);
  }
}
