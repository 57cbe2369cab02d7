package io.morgana.runtime;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A boot argument a kernel accepts, MirageOS style: {@code --name=value}, or {@code --name} alone
 * for a flag. A key has a name, a line of help, a default used when the argument is absent, and a
 * parser from text to value. {@link BootArguments#parse} reads the command line against a list of
 * keys; {@link BootArguments#get} returns each key's value.
 *
 * <pre>{@code
 * static final BootKey<Ipv4Cidr> IPV4 =
 *     BootKey.of("ipv4", "address and prefix of the interface", Ipv4Cidr.parse("192.0.2.2/24"), Ipv4Cidr::parse);
 * static final BootKey<Integer> PORT = BootKey.integer("port", "TCP port to listen on", 80);
 * static final BootKey<Boolean> DHCP = BootKey.flag("dhcp", "configure the interface by DHCP");
 * static final BootKey<Optional<Ipv4Address>> GATEWAY =
 *     BootKey.optional("ipv4-gateway", "default gateway", Ipv4Address::parse);
 * }</pre>
 *
 * <p>Names are lower-case letters, digits and hyphens, starting with a letter; {@code help} is
 * reserved. A parser signals malformed text by throwing any {@link RuntimeException}; its message
 * becomes part of the {@link BootArgumentException}. Immutable; compared by identity.
 *
 * @param <T> the type of the value
 */
public final class BootKey<T> {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  private final String name;
  private final String help;
  private final T defaultValue;
  private final Function<String, ? extends T> parser;
  private final boolean flag;
  private final boolean required;
  private final String defaultText;
  private final boolean secret;

  private BootKey(
      String name, String help, T defaultValue, Function<String, ? extends T> parser, boolean flag, String defaultText) {
    this(name, help, defaultValue, parser, flag, false, defaultText);
  }

  private BootKey(
      String name,
      String help,
      T defaultValue,
      Function<String, ? extends T> parser,
      boolean flag,
      boolean required,
      String defaultText) {
    this(name, help, defaultValue, parser, flag, required, defaultText, false);
  }

  private BootKey(
      String name,
      String help,
      T defaultValue,
      Function<String, ? extends T> parser,
      boolean flag,
      boolean required,
      String defaultText,
      boolean secret) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "boot key name '" + name + "' must be lower-case letters, digits and single hyphens, starting with a letter");
    }
    if (name.equals("help")) {
      throw new IllegalArgumentException("boot key name 'help' is reserved for --help");
    }
    this.name = name;
    this.help = Objects.requireNonNull(help, "help");
    this.defaultValue = required ? defaultValue : Objects.requireNonNull(defaultValue, "defaultValue");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.flag = flag;
    this.required = required;
    this.defaultText = defaultText;
    this.secret = secret;
  }

  /**
   * A key with a value: {@code --name=text}, parsed by {@code parser}; {@code defaultValue} when
   * absent. {@code --help} shows {@code String.valueOf(defaultValue)} as the default.
   */
  public static <T> BootKey<T> of(String name, String help, T defaultValue, Function<String, ? extends T> parser) {
    return new BootKey<>(name, help, defaultValue, parser, false, String.valueOf(defaultValue));
  }

  /** A key whose value is the text itself, possibly empty. */
  public static BootKey<String> string(String name, String help, String defaultValue) {
    return of(name, help, defaultValue, Function.identity());
  }

  /** A key whose value is a decimal {@code int}, optionally signed. */
  public static BootKey<Integer> integer(String name, String help, int defaultValue) {
    return of(name, help, defaultValue, BootKey::parseInt);
  }

  /**
   * A key whose value is a decimal {@code int} between {@code min} and {@code max} inclusive (a
   * port: {@code integer("port", "...", 80, 1, 65535)}).
   */
  public static BootKey<Integer> integer(String name, String help, int defaultValue, int min, int max) {
    if (min > max || defaultValue < min || defaultValue > max) {
      throw new IllegalArgumentException(
          "default " + defaultValue + " of --" + name + " is outside [" + min + ", " + max + "]");
    }
    return of(
        name,
        help + " (" + min + " to " + max + ")",
        defaultValue,
        text -> {
          int value = parseInt(text);
          if (value < min || value > max) {
            throw new IllegalArgumentException("not between " + min + " and " + max);
          }
          return value;
        });
  }

  /**
   * A flag, off by default: {@code --name} turns it on; {@code --name=true} and {@code
   * --name=false} are accepted too.
   */
  public static BootKey<Boolean> flag(String name, String help) {
    return new BootKey<>(name, help, false, BootKey::parseBoolean, true, "off");
  }

  /**
   * A key that may be absent: its value is {@link Optional#empty()} unless {@code --name=text} is
   * given, then {@code Optional.of(parser.apply(text))}.
   */
  public static <T> BootKey<Optional<T>> optional(String name, String help, Function<String, ? extends T> parser) {
    Objects.requireNonNull(parser, "parser");
    return new BootKey<>(name, help, Optional.empty(), text -> Optional.of(parser.apply(text)), false, "none");
  }

  /**
   * A key that must be given: {@code --name=text}, parsed by {@code parser}. It has no default; a
   * command line without it is refused ({@link BootArguments#parse} names the key), so a module
   * never sees it absent. {@code --help} shows it as required.
   */
  public static <T> BootKey<T> required(String name, String help, Function<String, ? extends T> parser) {
    return new BootKey<>(name, help, null, parser, false, true, "required");
  }

  /**
   * This key, its value secret (a token, a password): the boot log shows {@code --name=(hidden)}
   * instead of the value ({@link BootArguments#toString}), and a malformed value is not quoted.
   */
  public BootKey<T> secret() {
    return new BootKey<>(name, help, defaultValue, parser, flag, required, defaultText, true);
  }

  /** Whether the value is kept out of logs and messages ({@link #secret()}). */
  public boolean isSecret() {
    return secret;
  }

  /** The name, without the leading {@code --}. */
  public String name() {
    return name;
  }

  /** One line of help, shown by {@code --help}. */
  public String help() {
    return help;
  }

  /**
   * The value when the argument is absent.
   *
   * @throws IllegalStateException for a {@link #isRequired() required} key, which has none
   */
  public T defaultValue() {
    if (required) {
      throw new IllegalStateException("--" + name + " is required and has no default");
    }
    return defaultValue;
  }

  /** Whether the key must be given ({@link #required}). */
  public boolean isRequired() {
    return required;
  }

  /** Whether {@code --name} alone (no {@code =value}) is accepted and means {@code true}. */
  public boolean isFlag() {
    return flag;
  }

  /** How {@code --help} shows the default. */
  public String defaultText() {
    return defaultText;
  }

  /**
   * Parses {@code text} as this key's value.
   *
   * @throws BootArgumentException naming the key and quoting the text, if the parser rejects it
   */
  public T parse(String text) throws BootArgumentException {
    T value;
    try {
      value = parser.apply(text);
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new BootArgumentException(
          "malformed value for --" + name + ": " + (secret ? "(hidden)" : "'" + text + "'") + " (" + reason + ")", e);
    }
    if (value == null) {
      throw new BootArgumentException(
          "malformed value for --" + name + ": " + (secret ? "(hidden)" : "'" + text + "'") + " (no value)");
    }
    return value;
  }

  @Override
  public String toString() {
    return "--" + name;
  }

  private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]{1,10}");

  private static int parseInt(String text) {
    if (!DECIMAL.matcher(text).matches()) {
      throw new IllegalArgumentException("not a decimal integer");
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("out of the range of a 32-bit integer");
    }
  }

  private static boolean parseBoolean(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("a flag is true or false");
    };
  }
}
