package io.morgana.mgmt;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LocationAwareLogger;

/**
 * Changes log levels while the kernel runs, for {@code log-level LOGGER LEVEL}.
 *
 * <p>Kernels log through slf4j-simple (runtime's {@code Logging}), which reads levels once per
 * logger and offers no API to change them. This class does what its configuration would have
 * done had the level been given at boot: it sets the system property slf4j-simple reads for
 * loggers created later ({@code org.slf4j.simpleLogger.log.LOGGER}), and sets the level field of
 * the loggers already created whose name is LOGGER or below it — the one place in Morgana that
 * reaches into a library's fields, because the library has no other way in. With another SLF4J
 * binding the command says so and changes nothing.
 */
final class LogLevels {

  /** The levels accepted, quietest last; {@code off} silences a logger. */
  static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

  private static final String PROPERTY = "org.slf4j.simpleLogger.log.";
  private static final String SIMPLE_LOGGER = "org.slf4j.simple.SimpleLogger";
  private static final String SIMPLE_FACTORY = "org.slf4j.simple.SimpleLoggerFactory";
  private static final Pattern LOGGER_NAME =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  private LogLevels() {}

  /** Whether {@code name} is a logger name (a Java package or class name). */
  static boolean isLoggerName(String name) {
    return name.length() <= 256 && LOGGER_NAME.matcher(name).matches();
  }

  /**
   * Sets {@code logger} and the loggers below it to {@code level}.
   *
   * @return how many existing loggers changed
   * @throws UnsupportedOperationException when the binding is not slf4j-simple
   */
  static int set(String logger, String level) throws ReflectiveOperationException {
    int value = levelValue(level);
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!factory.getClass().getName().equals(SIMPLE_FACTORY)) {
      throw new UnsupportedOperationException("changing levels at run time needs slf4j-simple; this kernel logs through "
          + factory.getClass().getName());
    }
    System.setProperty(PROPERTY + logger, level);
    Field map = factory.getClass().getDeclaredField("loggerMap");
    map.setAccessible(true);
    Class<?> simple = Class.forName(SIMPLE_LOGGER, false, factory.getClass().getClassLoader());
    Field current = simple.getDeclaredField("currentLogLevel");
    current.setAccessible(true);
    int changed = 0;
    List<Logger> loggers = new ArrayList<>(((Map<?, ?>) map.get(factory)).size());
    for (Object o : ((Map<?, ?>) map.get(factory)).values()) {
      loggers.add((Logger) o);
    }
    for (Logger l : loggers) {
      if (simple.isInstance(l) && covers(logger, l.getName()) && !overriddenBelow(logger, l.getName())) {
        current.setInt(l, value);
        changed++;
      }
    }
    return changed;
  }

  /** The level {@code logger} logs at now: {@code debug}, {@code info}, …. */
  static String current(String logger) {
    Logger l = LoggerFactory.getLogger(logger);
    if (l.isTraceEnabled()) {
      return "trace";
    } else if (l.isDebugEnabled()) {
      return "debug";
    } else if (l.isInfoEnabled()) {
      return "info";
    } else if (l.isWarnEnabled()) {
      return "warn";
    } else if (l.isErrorEnabled()) {
      return "error";
    }
    return "off";
  }

  private static boolean covers(String prefix, String name) {
    return name.equals(prefix) || name.startsWith(prefix + ".");
  }

  /** Whether a logger between {@code prefix} and {@code name} has a level of its own set. */
  private static boolean overriddenBelow(String prefix, String name) {
    String n = name;
    while (n.length() > prefix.length()) {
      if (System.getProperty(PROPERTY + n) != null) {
        return true;
      }
      int dot = n.lastIndexOf('.');
      if (dot < 0) {
        break;
      }
      n = n.substring(0, dot);
    }
    return false;
  }

  private static int levelValue(String level) {
    return switch (level.toLowerCase(Locale.ROOT)) {
      case "trace" -> LocationAwareLogger.TRACE_INT;
      case "debug" -> LocationAwareLogger.DEBUG_INT;
      case "info" -> LocationAwareLogger.INFO_INT;
      case "warn" -> LocationAwareLogger.WARN_INT;
      case "error" -> LocationAwareLogger.ERROR_INT;
      case "off" -> LocationAwareLogger.ERROR_INT + 10;
      default -> throw new IllegalArgumentException("level '" + level + "' is not one of " + LEVELS);
    };
  }
}
