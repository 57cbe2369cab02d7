package io.morgana.mgmt;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands of a kernel by name: the built-ins and those the application contributed through
 * Dagger ({@code @IntoMap @StringKey("NAME")} into {@code Map<String, Command>}), plus {@code
 * help}, which the registry answers itself. Running a command never throws: an unknown name, bad
 * arguments or a failure inside the command are each a {@link CommandResult} with a clear text.
 *
 * <p>Names are lower-case letters, digits and single hyphens, starting with a letter, at most
 * {@value #MAX_NAME_LENGTH} characters (so that they are safe in a URL path and on a console
 * line); {@code help} is reserved. A registry with a bad name is refused when the component builds
 * it. Immutable and thread-safe.
 */
public final class CommandRegistry {

  private static final Logger log = LoggerFactory.getLogger(CommandRegistry.class);

  /** The longest command name. */
  public static final int MAX_NAME_LENGTH = 32;

  /** The most arguments a command line may have. */
  public static final int MAX_ARGUMENTS = 64;

  /** The longest command line (name and arguments) accepted, in characters. */
  public static final int MAX_LINE_LENGTH = 4096;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  private final Map<String, Command> commands;

  /** A registry of {@code commands} (by name) and {@code help}. */
  @Inject
  public CommandRegistry(Map<String, Command> commands) {
    TreeMap<String, Command> sorted = new TreeMap<>();
    for (Map.Entry<String, Command> e : commands.entrySet()) {
      String name = e.getKey();
      if (!isValidName(name)) {
        throw new IllegalArgumentException("command name '" + name + "' must be lower-case letters, digits and single"
            + " hyphens, starting with a letter, at most " + MAX_NAME_LENGTH + " characters");
      }
      if (name.equals("help")) {
        throw new IllegalArgumentException("command name 'help' is reserved: the registry answers it");
      }
      sorted.put(name, e.getValue());
    }
    this.commands = Collections.unmodifiableMap(sorted);
  }

  /** Whether {@code name} may name a command. */
  public static boolean isValidName(String name) {
    return name != null && name.length() <= MAX_NAME_LENGTH && NAME.matcher(name).matches();
  }

  /** Every command name, {@code help} included, in alphabetical order. */
  public List<String> names() {
    List<String> names = new ArrayList<>(commands.keySet());
    names.add("help");
    Collections.sort(names);
    return names;
  }

  /** The command called {@code name} ({@code help} is not one: the registry answers it). */
  public Optional<Command> command(String name) {
    return Optional.ofNullable(name == null ? null : commands.get(name));
  }

  /**
   * Runs a command line typed by a person: the command name, then its arguments, separated by
   * spaces or tabs. An empty line answers {@code help}.
   */
  public CommandResult execute(String line) {
    if (line == null || line.isBlank()) {
      return help(List.of());
    }
    if (line.length() > MAX_LINE_LENGTH) {
      return CommandResult.badArguments("command line longer than " + MAX_LINE_LENGTH + " characters");
    }
    List<String> words = split(line);
    if (words == null) {
      return CommandResult.badArguments("command line with control characters or more than " + MAX_ARGUMENTS
          + " arguments");
    }
    return execute(words.get(0), words.subList(1, words.size()));
  }

  /**
   * Runs the command called {@code name} with {@code arguments}.
   *
   * @return its result; {@link CommandResult.Outcome#UNKNOWN_COMMAND} for a name no command has;
   *     {@link CommandResult.Outcome#FAILED} when the command threw
   */
  public CommandResult execute(String name, List<String> arguments) {
    if ("help".equals(name)) {
      return help(arguments);
    }
    Command command = commands.get(name);
    if (command == null) {
      return unknown(name);
    }
    if (arguments.size() > MAX_ARGUMENTS) {
      return CommandResult.badArguments("more than " + MAX_ARGUMENTS + " arguments; usage: " + command.usage());
    }
    for (String a : arguments) {
      if (hasControlCharacters(a)) {
        return CommandResult.badArguments("an argument holds control characters; usage: " + command.usage());
      }
    }
    try {
      CommandResult result = command.run(List.copyOf(arguments));
      if (result == null) {
        return new CommandResult(CommandResult.Outcome.FAILED, name + ": the command gave no answer");
      }
      return result;
    } catch (Exception e) {
      log.warn("command {} failed", name, e);
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new CommandResult(CommandResult.Outcome.FAILED, name + " failed: " + why);
    }
  }

  private CommandResult unknown(String name) {
    return new CommandResult(CommandResult.Outcome.UNKNOWN_COMMAND,
        "unknown command '" + printable(name) + "'; commands: " + String.join(", ", names()));
  }

  private CommandResult help(List<String> arguments) {
    if (arguments.size() > 1) {
      return CommandResult.badArguments("usage: help [COMMAND]");
    }
    if (arguments.size() == 1) {
      String name = arguments.get(0);
      if (name.equals("help")) {
        return CommandResult.ok("help [COMMAND]\n  lists the commands, or shows how to call one");
      }
      Command c = commands.get(name);
      return c == null ? unknown(name) : CommandResult.ok(c.usage() + "\n  " + c.summary());
    }
    int width = "help [COMMAND]".length();
    for (Command c : commands.values()) {
      width = Math.max(width, c.usage().length());
    }
    StringBuilder out = new StringBuilder();
    for (String name : names()) {
      String usage = name.equals("help") ? "help [COMMAND]" : commands.get(name).usage();
      String summary = name.equals("help") ? "lists the commands, or shows how to call one" : commands.get(name).summary();
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(usage).append(" ".repeat(width - usage.length() + 2)).append(summary);
    }
    return CommandResult.ok(out.toString());
  }

  /** Words separated by spaces and tabs; null when there are control characters or too many words. */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int start = i;
      while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
        i++;
      }
      String word = line.substring(start, i);
      if (hasControlCharacters(word) || words.size() > MAX_ARGUMENTS) {
        return null;
      }
      words.add(word);
    }
    return words.isEmpty() ? null : words;
  }

  private static boolean hasControlCharacters(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** {@code s} safe to echo back: control characters escaped, at most 64 characters. */
  static String printable(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 64; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return s.length() > 64 ? out + "…" : out.toString();
  }
}
