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

  /** {@code --logs=error|warn|info|debug|trace}: how much the kernel logs to standard error. */
  public static final BootKey<String> LOGS =
      BootKey.of(
          "logs",
          "log level on standard error: " + String.join(", ", LEVELS),
          "info",
          text -> {
            String level = text.toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(level)) {
              throw new IllegalArgumentException("not one of " + String.join(", ", LEVELS));
            }
            return level;
          });

  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  /**
   * Sets slf4j-simple's default level to {@code level} (one of {@link #LEVELS}), and, unless
   * already set, its output to {@code System.err}, timestamps on, short logger names.
   */
  public static void configure(String level) {
    if (!LEVELS.contains(level)) {
      throw new IllegalArgumentException("log level '" + level + "' is not one of " + LEVELS);
    }
    System.setProperty(PREFIX + "defaultLogLevel", level);
    setIfAbsent("logFile", "System.err");
    setIfAbsent("showDateTime", "true");
    setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("showThreadName", "true");
    setIfAbsent("showShortLogName", "true");
    setIfAbsent("cacheOutputStream", "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
