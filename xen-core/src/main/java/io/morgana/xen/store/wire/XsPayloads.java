package io.morgana.xen.store.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload formats of Xen {@code docs/misc/xenstore.txt}: NUL-terminated strings, {@code
 * path\0value} for {@code XS_WRITE} (value not terminated), the {@code OK\0} acknowledgement,
 * the {@code ENAME\0} of {@code XS_ERROR}. Strings are UTF-8 (XenStore paths are ASCII).
 */
public final class XsPayloads {

  /** {@code "OK\0"}: the reply payload of WRITE, MKDIR, RM, SET_PERMS, WATCH, UNWATCH, TRANSACTION_END. */
  private static final byte[] OK = {'O', 'K', 0};

  private XsPayloads() {}

  /** A fresh {@code "OK\0"}. */
  public static byte[] ok() {
    return OK.clone();
  }

  /** Each string followed by a NUL. Strings must not contain NUL. */
  public static byte[] strings(String... strings) {
    return strings(List.of(strings));
  }

  /** Each string followed by a NUL. Strings must not contain NUL. */
  public static byte[] strings(List<String> strings) {
    int n = 0;
    List<byte[]> parts = new ArrayList<>(strings.size());
    for (String s : strings) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      for (byte x : b) {
        if (x == 0) {
          throw new IllegalArgumentException("NUL inside a xenstore string: " + printable(b));
        }
      }
      parts.add(b);
      n += b.length + 1;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] b : parts) {
      System.arraycopy(b, 0, out, o, b.length);
      o += b.length + 1;
    }
    return out;
  }

  /** {@code path\0value}: the WRITE payload; the value is not NUL-terminated. */
  public static byte[] pathAndValue(String path, byte[] value) {
    byte[] p = strings(path);
    byte[] out = new byte[p.length + value.length];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(value, 0, out, p.length, value.length);
    return out;
  }

  /**
   * Zero or more NUL-terminated strings filling the whole payload (a DIRECTORY reply, a
   * GET_PERMS reply, a WATCH request).
   *
   * @throws MalformedXenStoreMessageException if the last string has no NUL
   */
  public static List<String> parseStrings(byte[] payload) throws MalformedXenStoreMessageException {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < payload.length; i++) {
      if (payload[i] == 0) {
        out.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start != payload.length) {
      throw new MalformedXenStoreMessageException(
          "xenstore string without its terminating NUL: " + printable(payload));
    }
    return out;
  }

  /**
   * Exactly one NUL-terminated string (a TRANSACTION_START or GET_DOMAIN_PATH reply, an ERROR
   * payload, a READ request).
   */
  public static String parseSingleString(byte[] payload) throws MalformedXenStoreMessageException {
    List<String> s = parseStrings(payload);
    if (s.size() != 1) {
      throw new MalformedXenStoreMessageException(
          "expected one NUL-terminated string, got " + s.size() + ": " + printable(payload));
    }
    return s.get(0);
  }

  /** Checks that a reply payload is {@code "OK\0"}. */
  public static void parseOk(byte[] payload) throws MalformedXenStoreMessageException {
    if (payload.length != 3 || payload[0] != 'O' || payload[1] != 'K' || payload[2] != 0) {
      throw new MalformedXenStoreMessageException("expected OK\\0, got " + printable(payload));
    }
  }

  /**
   * Splits a WRITE payload {@code path\0value}.
   *
   * @return the path and the value
   * @throws MalformedXenStoreMessageException if there is no NUL after the path
   */
  public static PathAndValue parsePathAndValue(byte[] payload) throws MalformedXenStoreMessageException {
    for (int i = 0; i < payload.length; i++) {
      if (payload[i] == 0) {
        byte[] value = new byte[payload.length - i - 1];
        System.arraycopy(payload, i + 1, value, 0, value.length);
        return new PathAndValue(new String(payload, 0, i, StandardCharsets.UTF_8), value);
      }
    }
    throw new MalformedXenStoreMessageException("write payload without NUL after the path: " + printable(payload));
  }

  /** A WRITE payload split. */
  public record PathAndValue(String path, byte[] value) {}

  /** The first {@code 64} bytes of a payload, printable characters as they are, others as {@code \xNN}. */
  public static String printable(byte[] payload) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(payload.length, 64);
    for (int i = 0; i < n; i++) {
      int c = payload[i] & 0xff;
      if (c == 0) {
        sb.append("\\0");
      } else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    if (payload.length > n) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
