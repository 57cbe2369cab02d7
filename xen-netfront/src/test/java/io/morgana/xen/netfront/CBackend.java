package io.morgana.xen.netfront;

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
 * Builds and starts xen-core's C conformance backend ({@code xen-core/src/test/c/
 * conformance_backend.c}, written against Debian's {@code libxen-dev} headers and ring macros).
 * Skips (or, with {@code -Dmorgana.interop=required}, fails) without gcc or the headers.
 */
final class CBackend {

  static final Path SOURCE = Path.of("../xen-core/src/test/c/conformance_backend.c");
  private static final Path RING_H = Path.of("/usr/include/xen/io/ring.h");
  private static Path binary;

  private CBackend() {}

  static synchronized Path build() throws IOException, InterruptedException {
    HostTools.require("gcc");
    if (!Files.isRegularFile(RING_H)) {
      HostTools.unavailable("missing " + RING_H + " (Debian: apt-get install -y libxen-dev)");
    }
    if (binary == null) {
      Path out = Files.createTempFile(Files.createDirectories(Path.of("target")), "conformance_backend-", "");
      out.toFile().deleteOnExit();
      Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Werror", "-D__XEN_INTERFACE_VERSION__=0x00040e00",
          "-o", out.toString(), SOURCE.toString()).redirectErrorStream(true).start();
      String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
        throw new AssertionError("gcc failed to build " + SOURCE + ":\n" + output);
      }
      binary = out.toAbsolutePath();
    }
    return binary;
  }

  static Process start(Path stderr, String mode, Object... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(build().toString(), mode));
    for (Object a : args) {
      command.add(String.valueOf(a));
    }
    return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
  }

  static Map<String, Long> counters(Path stderr) throws IOException {
    Map<String, Long> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(stderr)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        try {
          values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        } catch (NumberFormatException e) {
          // not a counter
        }
      }
    }
    return values;
  }
}
