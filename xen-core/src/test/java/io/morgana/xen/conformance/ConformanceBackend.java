package io.morgana.xen.conformance;

import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds and starts {@code src/test/c/conformance_backend.c}, the backend written in C against
 * Xen's own headers (Debian {@code libxen-dev}). Skips (or, with {@code
 * -Dmorgana.interop=required}, fails) when gcc or the headers are missing.
 */
public final class ConformanceBackend {

  /**
   * The source, relative to surefire's working directory: the xen-core module, or a driver module
   * beside it (xen-netfront and xen-blkfront use this class through xen-core's test jar).
   */
  public static final Path SOURCE = Files.isRegularFile(Path.of("src/test/c/conformance_backend.c"))
      ? Path.of("src/test/c/conformance_backend.c")
      : Path.of("../xen-core/src/test/c/conformance_backend.c");
  private static final Path RING_H = Path.of("/usr/include/xen/io/ring.h");
  /** This JVM's own executable, once built. */
  private static Path binary;

  private ConformanceBackend() {}

  /**
   * Compiles the backend once per JVM and returns the executable. Each JVM builds its own file
   * ({@code target/conformance_backend-<random>}, deleted at exit): a build running at the same
   * time in the same {@code target/} (another Maven run) must never rewrite the file while this
   * JVM executes it — {@code ld} recreates its output, and an {@code exec} in that window fails
   * ("Permission denied", a truncated ELF), which showed up as a broken event pipe.
   */
  public static synchronized Path build() throws IOException, InterruptedException {
    HostTools.require("gcc");
    if (!Files.isRegularFile(RING_H)) {
      HostTools.unavailable("missing " + RING_H + " (Debian: apt-get install -y libxen-dev)");
    }
    if (binary == null) {
      Path target = Files.createDirectories(Path.of("target"));
      Path out = Files.createTempFile(target, "conformance_backend-", "");
      out.toFile().deleteOnExit();
      Process gcc =
          new ProcessBuilder(
                  "gcc", "-O2", "-Wall", "-Werror", "-D__XEN_INTERFACE_VERSION__=0x00040e00",
                  "-o", out.toString(), SOURCE.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
        throw new AssertionError("gcc failed to build " + SOURCE + ":\n" + output);
      }
      binary = out.toAbsolutePath();
    }
    return binary;
  }

  /** Runs {@code conformance_backend layout} and parses its {@code name=value} lines. */
  public static Map<String, Long> layout() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(build().toString(), "layout").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("layout run failed:\n" + out);
    }
    Map<String, Long> values = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.lastIndexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
      }
    }
    return values;
  }

  /** Starts the backend in {@code mode} with {@code args}; stderr goes to {@code stderr}. */
  public static Process start(Path stderr, String mode, Object... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(build().toString());
    command.add(mode);
    for (Object a : args) {
      command.add(String.valueOf(a));
    }
    return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
  }

  /** Parses the {@code name=value} counters the backend prints to stderr at exit. */
  public static Map<String, Long> counters(Path stderr) throws IOException {
    Map<String, Long> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(stderr)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        try {
          values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        } catch (NumberFormatException e) {
          // not a counter line
        }
      }
    }
    return values;
  }
}
