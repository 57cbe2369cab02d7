package io.morgana.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A kernel's boot arguments, read from its command line against the {@link BootKey}s it accepts
 * (MirageOS's {@code --ipv4=192.0.2.2/24 --logs=debug}).
 *
 * <p>Grammar: every argument is {@code --name=value} (the value may be empty, may contain
 * {@code =}) or, for a {@link BootKey#isFlag() flag}, {@code --name}. Each key may be given once.
 * {@code --help} anywhere asks for the list of keys ({@link #helpRequested()}) and wins over
 * every other argument, valid or not. A {@link BootKey#required required} key must be given.
 *
 * <p>Immutable once checked. {@link Kernel} alone creates arguments that are not checked yet: it
 * hands them to the kernel's Dagger component (whose modules read them only when the application
 * is requested), reads the component's {@link KernelComponent#bootKeys() keys}, and checks the
 * command line against them before anything reads a value; reading one earlier is an {@link
 * IllegalStateException}.
 */
public final class BootArguments {

  /** The argument that asks for {@link #usage}. */
  public static final String HELP = "--help";

  /** The command line, kept until it is checked. */
  private final String[] argv;
  private volatile Checked checked;

  /** {@code asGiven}: the accepted arguments' text, in command-line order, for {@link #toString}. */
  private record Checked(List<BootKey<?>> keys, Map<BootKey<?>, Object> given, List<String> asGiven, boolean help) {}

  private BootArguments(List<BootKey<?>> keys, Map<BootKey<?>, Object> given, List<String> asGiven, boolean help) {
    this.argv = null;
    this.checked = new Checked(keys, given, asGiven, help);
  }

  private BootArguments(String[] argv) {
    this.argv = argv.clone();
  }

  /** Arguments to be checked later with {@link #check}: what {@link Kernel} gives a component. */
  static BootArguments unchecked(String... argv) {
    return new BootArguments(argv);
  }

  /**
   * Checks the command line given to {@link #unchecked} against {@code keys}, as {@link #parse}
   * does; from then on the values can be read.
   *
   * @throws IllegalStateException if these arguments were checked already
   */
  void check(List<? extends BootKey<?>> keys) throws BootArgumentException {
    synchronized (this) {
      if (checked != null) {
        throw new IllegalStateException("boot arguments already checked");
      }
      checked = parse(keys, argv).checked;
    }
  }

  private Checked checked() {
    Checked c = checked;
    if (c == null) {
      throw new IllegalStateException("boot arguments were read before Kernel checked them against the"
          + " kernel's boot keys; read them when the application is built, not when the component is");
    }
    return c;
  }

  /**
   * Reads {@code argv} against {@code keys}.
   *
   * @throws BootArgumentException for an unknown key, a malformed or missing value, a key given
   *     twice, an argument that does not start with {@code --}, or a required key not given; the
   *     message names the argument and quotes its text
   * @throws IllegalArgumentException if two keys have the same name (a programming error)
   */
  public static BootArguments parse(List<? extends BootKey<?>> keys, String... argv)
      throws BootArgumentException {
    List<BootKey<?>> keyList = List.copyOf(keys);
    Map<String, BootKey<?>> byName = new LinkedHashMap<>();
    for (BootKey<?> key : keyList) {
      if (byName.put(key.name(), key) != null) {
        throw new IllegalArgumentException("two boot keys are named --" + key.name());
      }
    }
    for (String arg : argv) {
      if (HELP.equals(arg)) {
        return new BootArguments(keyList, Map.of(), List.of(), true);
      }
    }
    Map<BootKey<?>, Object> given = new IdentityHashMap<>();
    List<String> asGiven = new ArrayList<>();
    for (String arg : argv) {
      if (arg == null) {
        throw new BootArgumentException("a boot argument is null");
      }
      if (!arg.startsWith("--") || arg.length() == 2 || arg.charAt(2) == '=') {
        throw new BootArgumentException(
            "unexpected argument '" + arg + "': boot arguments look like --key=value");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      BootKey<?> key = byName.get(name);
      if (key == null) {
        if (name.equals("help")) {
          throw new BootArgumentException("--help takes no value: '" + arg + "'");
        }
        throw new BootArgumentException("unknown boot argument --" + name + " in '" + arg + "'");
      }
      Object value;
      if (eq < 0) {
        if (!key.isFlag()) {
          throw new BootArgumentException("--" + name + " needs a value: --" + name + "=VALUE");
        }
        value = Boolean.TRUE;
      } else {
        value = key.parse(arg.substring(eq + 1));
      }
      if (given.put(key, value) != null) {
        throw new BootArgumentException("--" + name + " is given more than once (again in '" + arg + "')");
      }
      asGiven.add(key.isSecret() ? "--" + name + "=(hidden)" : arg);
    }
    for (BootKey<?> key : keyList) {
      if (key.isRequired() && !given.containsKey(key)) {
        throw new BootArgumentException(
            "missing required boot argument --" + key.name() + "=VALUE (" + key.help() + ")");
      }
    }
    return new BootArguments(keyList, Collections.unmodifiableMap(given), List.copyOf(asGiven), false);
  }

  /**
   * The arguments with every key at its default, as if the command line were empty.
   *
   * @throws IllegalArgumentException if a key is {@link BootKey#required required}
   */
  public static BootArguments defaults(List<? extends BootKey<?>> keys) {
    try {
      return parse(keys);
    } catch (BootArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * The value of {@code key}: what the command line gave, or the key's default.
   *
   * @throws IllegalArgumentException if {@code key} is not one of the keys these arguments were
   *     parsed against
   */
  @SuppressWarnings("unchecked")
  public <T> T get(BootKey<T> key) {
    Checked c = checked();
    Object value = c.given.get(Objects.requireNonNull(key, "key"));
    if (value != null) {
      return (T) value;
    }
    if (!c.keys.contains(key)) {
      throw new IllegalArgumentException(key + " is not a boot key of this kernel");
    }
    return key.defaultValue();
  }

  /** Whether the command line gave {@code key} explicitly. */
  public boolean isGiven(BootKey<?> key) {
    return checked().given.containsKey(key);
  }

  /** Whether {@code --help} was given; then no other argument was checked. */
  public boolean helpRequested() {
    return checked().help;
  }

  /** The keys these arguments were parsed against, in order. */
  public List<BootKey<?>> keys() {
    return checked().keys;
  }

  /**
   * The text {@code --help} prints: a usage line for {@code kernelName}, then every key with its
   * help and default, then {@code --help} itself.
   */
  public static String usage(String kernelName, List<? extends BootKey<?>> keys) {
    List<String[]> rows = new ArrayList<>();
    for (BootKey<?> key : keys) {
      String left = "--" + key.name() + (key.isFlag() ? "" : "=VALUE");
      rows.add(new String[] {left, key.help() + (key.isRequired() ? " (required)" : " (default: " + key.defaultText() + ")")});
    }
    rows.add(new String[] {HELP, "print this list and exit"});
    int width = 0;
    for (String[] row : rows) {
      width = Math.max(width, row[0].length());
    }
    StringBuilder out = new StringBuilder();
    out.append("usage: ").append(kernelName).append(" [--key=value ...]\n\nboot arguments:\n");
    for (String[] row : rows) {
      out.append("  ").append(row[0]).append(" ".repeat(width - row[0].length() + 3)).append(row[1]).append('\n');
    }
    return out.toString();
  }

  /**
   * The arguments as they were given on the command line, in its order — {@code
   * BootArguments[--net=tap:mtap0 --ipv4=192.0.2.2/24]} — which is what the boot log shows; keys
   * left at their defaults do not appear.
   */
  @Override
  public String toString() {
    Checked c = checked;
    if (c == null) {
      return "BootArguments[unchecked " + String.join(" ", argv) + "]";
    }
    List<String> shown = new ArrayList<>(c.asGiven);
    if (c.help) {
      shown.add(HELP);
    }
    return "BootArguments[" + String.join(" ", shown) + "]";
  }
}
