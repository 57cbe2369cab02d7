package io.morgana.appliance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Linux kernel command line ({@code /proc/cmdline}) as the appliance's {@code /init} reads it:
 * the parameters in order, and the {@code morgana.*} ones turned into the application kernel's boot
 * arguments.
 *
 * <p><b>Syntax</b> ({@code Documentation/admin-guide/kernel-parameters.rst}, the kernel's {@code
 * next_arg}): parameters are separated by white space; a parameter is {@code name} or {@code
 * name=value}; double quotes group white space into one parameter and are removed ({@code
 * morgana.motd="hello world"}); everything after a lone {@code --} is for init, not the kernel,
 * and is kept apart ({@link #initArguments()}).
 *
 * <p><b>Morgana's keys.</b> {@code morgana.NAME=VALUE} becomes the boot argument {@code
 * --NAME=VALUE} and {@code morgana.NAME} alone {@code --NAME}, in command-line order; a key given
 * twice keeps its last value (as the kernel does for its own parameters). The keys that {@code
 * /init} itself reads ({@link #INIT_KEYS}) are not passed on. Other parameters ({@code
 * console=ttyS0}, {@code quiet}) are the kernel's and are ignored here.
 */
public final class KernelCommandLine {

  /** The prefix of Morgana's parameters. */
  public static final String PREFIX = "morgana.";

  /**
   * Keys {@code /init} reads and does not pass to the application: {@code morgana.modules}
   * (comma-separated kernel modules to load), {@code morgana.ifup} (comma-separated interfaces
   * to bring up), {@code morgana.target} (the hypervisor the image was built for, {@link
   * InitPlan.Target}) and {@code morgana.exit} (where to report a failure's status, {@link
   * ExitDevice}).
   */
  public static final List<String> INIT_KEYS = List.of("modules", "ifup", "target", ExitDevice.KEY);

  /** One parameter: {@code name}, and its value when it had one. */
  public record Parameter(String name, Optional<String> value) {}

  private final List<Parameter> parameters;
  private final List<String> initArguments;

  private KernelCommandLine(List<Parameter> parameters, List<String> initArguments) {
    this.parameters = List.copyOf(parameters);
    this.initArguments = List.copyOf(initArguments);
  }

  /**
   * Parses the text of {@code /proc/cmdline} (a trailing newline is fine).
   *
   * @throws IllegalArgumentException for a {@code morgana.} parameter with no name after the
   *     prefix, or one whose name is not lower-case letters, digits and {@code -}, quoting it
   */
  public static KernelCommandLine parse(String text) {
    List<String> words = words(text);
    List<Parameter> parameters = new ArrayList<>();
    List<String> init = new ArrayList<>();
    boolean forInit = false;
    for (String word : words) {
      if (forInit) {
        init.add(word);
        continue;
      }
      if (word.equals("--")) {
        forInit = true;
        continue;
      }
      int eq = word.indexOf('=');
      Parameter p =
          eq < 0
              ? new Parameter(word, Optional.empty())
              : new Parameter(word.substring(0, eq), Optional.of(word.substring(eq + 1)));
      if (p.name().startsWith(PREFIX)) {
        checkKey(p.name());
      }
      parameters.add(p);
    }
    return new KernelCommandLine(parameters, init);
  }

  /** Splits at unquoted white space and removes the double quotes (the kernel's {@code next_arg}). */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (!quoted && Character.isWhitespace(c)) {
        if (any) {
          words.add(word.toString());
          word.setLength(0);
          any = false;
        }
      } else {
        word.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(word.toString());
    }
    return words;
  }

  private static void checkKey(String name) {
    String key = name.substring(PREFIX.length());
    if (key.isEmpty()) {
      throw new IllegalArgumentException("kernel command line: \"" + name + "\" has no key after morgana.");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
        throw new IllegalArgumentException(
            "kernel command line: \"" + name + "\": a morgana. key has lower-case letters, digits"
                + " and '-' only");
      }
    }
  }

  /** Every parameter before {@code --}, in order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** The words after a lone {@code --}: the kernel hands them to init as its arguments. */
  public List<String> initArguments() {
    return initArguments;
  }

  /** The last value of {@code morgana.KEY}: empty when absent; a flag ({@code morgana.dhcp}) is {@code ""}. */
  public Optional<String> morgana(String key) {
    Optional<String> found = Optional.empty();
    for (Parameter p : parameters) {
      if (p.name().equals(PREFIX + key)) {
        found = Optional.of(p.value().orElse(""));
      }
    }
    return found;
  }

  /** The comma-separated values of {@code morgana.KEY}, without empty items; empty when absent. */
  public List<String> morganaList(String key) {
    return morgana(key)
        .map(v -> List.of(v.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }

  /**
   * The application kernel's boot arguments: every {@code morgana.*} parameter except {@link
   * #INIT_KEYS}, the last value of each key, in the order of their first appearance.
   */
  public List<String> bootArguments() {
    Map<String, Optional<String>> last = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      if (p.name().startsWith(PREFIX)) {
        String key = p.name().substring(PREFIX.length());
        if (!INIT_KEYS.contains(key)) {
          last.put(key, p.value());
        }
      }
    }
    List<String> args = new ArrayList<>();
    last.forEach((key, value) -> args.add("--" + key + value.map(v -> "=" + v).orElse("")));
    return Collections.unmodifiableList(args);
  }

  @Override
  public String toString() {
    return "KernelCommandLine" + parameters + (initArguments.isEmpty() ? "" : " -- " + initArguments);
  }
}
