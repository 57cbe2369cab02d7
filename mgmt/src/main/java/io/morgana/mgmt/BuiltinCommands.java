package io.morgana.mgmt;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The built-in commands other than {@code help} (which {@link CommandRegistry} answers):
 * {@code stats}, {@code mem}, {@code gc}, {@code uptime} and {@code log-level}. The stack's
 * commands ({@code conns}, {@code arp}, {@code routes}) come with {@link
 * io.morgana.mgmt.tcpip.TcpipManagementModule}.
 */
public final class BuiltinCommands {

  private BuiltinCommands() {}

  /**
   * {@code stats [all | PREFIX]}: the metrics, one per line. Without an argument, Morgana's
   * metrics that are not zero; {@code all}: every metric, the JVM's included; a PREFIX: the
   * metrics whose name starts with it ({@code stats morgana_tcp}).
   */
  public static Command stats(KernelMetrics metrics) {
    return Command.of("stats [all | PREFIX]", "the metrics, readable: Morgana's non-zero counters; all of them; or"
        + " those starting with PREFIX", args -> {
          if (args.size() > 1) {
            return CommandResult.badArguments("usage: stats [all | PREFIX]");
          }
          String filter = args.isEmpty() ? null : args.get(0);
          if (filter != null && !filter.equals("all") && !filter.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            return CommandResult.badArguments("'" + CommandRegistry.printable(filter)
                + "' is not a metric name prefix; usage: stats [all | PREFIX]");
          }
          StringBuilder out = new StringBuilder();
          int shown = 0;
          for (MetricSnapshot m : metrics.scrape()) {
            String name = m.getMetadata().getPrometheusName();
            boolean morgana = name.startsWith("morgana_");
            if (filter == null ? !morgana : !filter.equals("all") && !name.startsWith(filter)) {
              continue;
            }
            for (DataPointSnapshot p : m.getDataPoints()) {
              shown += line(out, m, p, filter == null);
            }
          }
          if (shown == 0) {
            out.append(filter == null ? "every counter is zero" : "no metric matches '" + filter + "'");
          }
          return CommandResult.ok(out.toString().stripTrailing());
        });
  }

  private static int line(StringBuilder out, MetricSnapshot m, DataPointSnapshot p, boolean skipZero) {
    String name = m.getMetadata().getPrometheusName();
    String value;
    switch (p) {
      case CounterSnapshot.CounterDataPointSnapshot c -> {
        if (skipZero && c.getValue() == 0) {
          return 0;
        }
        name += "_total";
        value = number(c.getValue());
      }
      case GaugeSnapshot.GaugeDataPointSnapshot g -> {
        if (skipZero && g.getValue() == 0) {
          return 0;
        }
        value = number(g.getValue());
      }
      case SummarySnapshot.SummaryDataPointSnapshot s ->
          value = "count " + s.getCount() + " sum " + number(s.getSum());
      case HistogramSnapshot.HistogramDataPointSnapshot h ->
          value = "count " + h.getCount() + " sum " + number(h.getSum());
      case InfoSnapshot.InfoDataPointSnapshot i -> {
        name += "_info";
        value = "1";
      }
      default -> {
        return 0;
      }
    }
    out.append(name).append(labels(p.getLabels())).append(' ').append(value).append('\n');
    return 1;
  }

  private static String labels(Labels labels) {
    if (labels.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    for (Label l : labels) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(l.getName()).append("=\"").append(l.getValue()).append('"');
    }
    return b.append('}').toString();
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
  }

  /** {@code mem}: heap, non-heap, direct buffers and Netty's pooled allocator. */
  public static Command mem() {
    return Command.of("mem", "memory: heap, non-heap, direct buffers, the pooled buffer allocator", args -> {
      if (!args.isEmpty()) {
        return CommandResult.badArguments("mem takes no arguments");
      }
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      TextTable t = new TextTable("AREA", "USED", "COMMITTED", "MAX");
      usage(t, "heap", memory.getHeapMemoryUsage());
      usage(t, "non-heap", memory.getNonHeapMemoryUsage());
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        t.row("buffers " + pool.getName(), size(pool.getMemoryUsed()), size(pool.getTotalCapacity()), "-");
      }
      PooledByteBufAllocatorMetric pooled = PooledByteBufAllocator.DEFAULT.metric();
      t.row("netty pooled direct", size(pooled.usedDirectMemory()), "-", "-");
      t.row("netty pooled heap", size(pooled.usedHeapMemory()), "-", "-");
      return CommandResult.ok(t.toString());
    });
  }

  private static void usage(TextTable t, String area, MemoryUsage u) {
    t.row(area, size(u.getUsed()), size(u.getCommitted()), u.getMax() < 0 ? "-" : size(u.getMax()));
  }

  static String size(long bytes) {
    if (bytes < 0) {
      return "-";
    }
    if (bytes < 10 * 1024) {
      return bytes + " B";
    }
    if (bytes < 10L * 1024 * 1024) {
      return bytes / 1024 + " KiB";
    }
    return bytes / (1024 * 1024) + " MiB";
  }

  /** {@code gc [run]}: each collector's collections and time; {@code run} asks for a collection first. */
  public static Command gc() {
    return Command.of("gc [run]", "garbage collectors: collections and time; 'run' requests a full collection first",
        args -> {
          if (args.size() > 1 || args.size() == 1 && !args.get(0).equals("run")) {
            return CommandResult.badArguments("usage: gc [run]");
          }
          StringBuilder out = new StringBuilder();
          if (args.size() == 1) {
            long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.gc();
            long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            out.append("heap used ").append(size(before)).append(" -> ").append(size(after)).append('\n');
          }
          TextTable t = new TextTable("COLLECTOR", "COLLECTIONS", "TIME-MS");
          for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t.row(gc.getName(), Long.toString(gc.getCollectionCount()), Long.toString(gc.getCollectionTime()));
          }
          return CommandResult.ok(out.append(t).toString());
        });
  }

  /** {@code uptime}: how long the kernel (its JVM) has run, and since when. */
  public static Command uptime() {
    return Command.of("uptime", "how long the kernel has been running", args -> {
      if (!args.isEmpty()) {
        return CommandResult.badArguments("uptime takes no arguments");
      }
      var runtime = ManagementFactory.getRuntimeMXBean();
      Duration up = Duration.ofMillis(runtime.getUptime());
      return CommandResult.ok("up " + human(up) + " (since " + Instant.ofEpochMilli(runtime.getStartTime()) + ")");
    });
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86_400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
  }

  /** {@code log-level LOGGER [LEVEL]}: shows or sets a logger's level (and those below it). */
  public static Command logLevel() {
    return Command.of("log-level LOGGER [LEVEL]", "shows or sets the log level of LOGGER and the loggers below it"
        + " (LEVEL: " + String.join(", ", LogLevels.LEVELS) + ")", args -> {
          String usage = "usage: log-level LOGGER [LEVEL], LOGGER a package or class name (io.morgana.net.tcpip),"
              + " LEVEL one of " + String.join(", ", LogLevels.LEVELS);
          if (args.isEmpty() || args.size() > 2) {
            return CommandResult.badArguments(usage);
          }
          String logger = args.get(0);
          if (!LogLevels.isLoggerName(logger)) {
            return CommandResult.badArguments("'" + CommandRegistry.printable(logger) + "' is not a logger name; "
                + usage);
          }
          if (args.size() == 1) {
            return CommandResult.ok(logger + " logs at " + LogLevels.current(logger));
          }
          String level = args.get(1).toLowerCase(Locale.ROOT);
          if (!LogLevels.LEVELS.contains(level)) {
            return CommandResult.badArguments("'" + CommandRegistry.printable(args.get(1)) + "' is not a level; "
                + usage);
          }
          try {
            int changed = LogLevels.set(logger, level);
            return CommandResult.ok(logger + " and the loggers below it log at " + level + " (" + changed
                + " existing loggers changed)");
          } catch (UnsupportedOperationException e) {
            return new CommandResult(CommandResult.Outcome.FAILED, e.getMessage());
          }
        });
  }
}
