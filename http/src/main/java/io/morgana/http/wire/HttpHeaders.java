package io.morgana.http.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fields of a header section in the order received or set (RFC 9110 §5): names compare
 * case-insensitively, a name may occur more than once. Immutable.
 */
public final class HttpHeaders {

  /** One field line: a name and its value with surrounding whitespace removed. */
  public record Field(String name, String value) {
    /**
     * @throws IllegalArgumentException if the name is not a token (RFC 9110 §5.1) or the value
     *     holds CR, LF or NUL — which would split a response
     */
    public Field {
      if (!Tokens.isToken(name)) {
        throw new IllegalArgumentException("not a field name: " + name);
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          throw new IllegalArgumentException("field " + name + " holds CR, LF or NUL");
        }
      }
    }
  }

  /** No fields. */
  public static final HttpHeaders EMPTY = new HttpHeaders(List.of());

  private final List<Field> fields;

  private HttpHeaders(List<Field> fields) {
    this.fields = fields;
  }

  /** The fields given, in order. */
  public static HttpHeaders of(List<Field> fields) {
    return new HttpHeaders(List.copyOf(fields));
  }

  /** These fields and one more after them. */
  public HttpHeaders with(String name, String value) {
    List<Field> more = new ArrayList<>(fields.size() + 1);
    more.addAll(fields);
    more.add(new Field(name, value));
    return new HttpHeaders(List.copyOf(more));
  }

  /** Every field, in order. */
  public List<Field> fields() {
    return fields;
  }

  /** The value of the first field named {@code name}. */
  public Optional<String> first(String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return Optional.of(f.value());
      }
    }
    return Optional.empty();
  }

  /** The values of every field named {@code name}, in order. */
  public List<String> all(String name) {
    List<String> out = new ArrayList<>(2);
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        out.add(f.value());
      }
    }
    return out;
  }

  /** How many fields are named {@code name}. */
  public int count(String name) {
    int n = 0;
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether a comma-separated list field (RFC 9110 §5.6.1) such as {@code Connection} holds the
   * token {@code token}, case-insensitively, in any of its lines.
   */
  public boolean hasToken(String name, String token) {
    String t = token.toLowerCase(Locale.ROOT);
    for (String v : all(name)) {
      for (String part : v.split(",")) {
        if (part.strip().toLowerCase(Locale.ROOT).equals(t)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
