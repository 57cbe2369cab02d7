package io.morgana.runtime;

import java.util.List;
import java.util.Locale;

/**
 * Logging setup of a kernel: the standard boot key {@code --logs=LEVEL} and the configuration of
 * slf4j-simple (the binding runnable kernels ship) to write to standard error with timestamps,
 * leaving standard output to the application's {@code Console}.
 *
 * <p>slf4j-simple reads its configuration once, when the first logger is created; {@link Kernel}
 * therefore calls {@link #configure} right after parsing the boot arguments and before anything
 * logs. A {@code -Dorg.slf4j.simpleLogger...} property given on the {@code java} command line
 * wins over these defaults, except the level, which {@code --logs} decides.
 */
public final class Logging {

  /** The levels {@code --logs} accepts, quietest first. */
  public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

  /**
   * {@code --logs=SPEC}: how much the kernel logs to standard error. {@code SPEC} is a
   * comma-separated list of {@code LEVEL} (the default for every logger; {@code *:LEVEL} says the
   * same) and {@code SOURCE:LEVEL} (a logger and everything below it, e.g. {@code
   * io.morgana.net.tcpip:debug}), as MirageOS's {@code --logs=*:info,tcp:debug}. Levels are
   * {@link #LEVELS}. The value is the spec, normalised to lower-case levels.
   */
  public static final BootKey<String> LOGS =
      BootKey.of(
          "logs",
          "log level on standard error: " + String.join(", ", LEVELS)
              + "; or a list like info,io.morgana.net.tcpip:debug",
          "info",
          Logging::normalise);

  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  /**
   * Applies a {@link #LOGS} spec to slf4j-simple: the default level and each source's level, and,
   * unless already set, output to {@code System.err}, timestamps on, short logger names.
   *
   * @throws IllegalArgumentException if {@code spec} is malformed
   */
  public static void configure(String spec) {
    for (String[] item : items(normalise(spec))) {
      if (item[0] == null) {
        System.setProperty(PREFIX + "defaultLogLevel", item[1]);
      } else {
        System.setProperty(PREFIX + "log." + item[0], item[1]);
      }
    }
    setIfAbsent("logFile", "System.err");
    setIfAbsent("showDateTime", "true");
    setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("showThreadName", "true");
    setIfAbsent("showShortLogName", "true");
    setIfAbsent("cacheOutputStream", "false");
  }

  /**
   * Checks a spec and returns it with lower-case levels.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  static String normalise(String spec) {
    StringBuilder out = new StringBuilder();
    for (String[] item : items(spec)) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      out.append(item[0] == null ? item[1] : item[0] + ":" + item[1]);
    }
    return out.toString();
  }

  /** {source or null for the default, level} per item of a spec. */
  private static List<String[]> items(String spec) {
    if (spec.isEmpty()) {
      throw new IllegalArgumentException("empty; try one of " + String.join(", ", LEVELS));
    }
    List<String[]> items = new java.util.ArrayList<>();
    for (String part : spec.split(",", -1)) {
      int colon = part.lastIndexOf(':');
      String source = colon < 0 ? null : part.substring(0, colon);
      String level = (colon < 0 ? part : part.substring(colon + 1)).toLowerCase(Locale.ROOT);
      if (!LEVELS.contains(level)) {
        throw new IllegalArgumentException(
            "'" + part + "': the level is not one of " + String.join(", ", LEVELS));
      }
      if ("*".equals(source)) {
        source = null;
      } else if (source != null && !SOURCE.matcher(source).matches()) {
        throw new IllegalArgumentException("'" + part + "': '" + source + "' is not a logger name");
      }
      items.add(new String[] {source, level});
    }
    return items;
  }

  private static final java.util.regex.Pattern SOURCE =
      java.util.regex.Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
