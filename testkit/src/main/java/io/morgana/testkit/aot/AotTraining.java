package io.morgana.testkit.aot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One training run of a kernel's jar that writes a JDK AOT cache ({@code -XX:AOTCacheOutput},
 * JEP 483/514): starts {@code java -XX:AOTCacheOutput=CACHE.tmp OPTIONS -jar JAR ARGS}, waits for
 * the kernel's first line on standard output (such as {@code serving http://127.0.0.1:8080/}),
 * hands that line to the {@link Workload}, then sends SIGTERM — the kernel shuts down through its
 * hook and the JVM writes the cache on the way out — and moves the finished cache to {@code
 * CACHE}, so that a concurrent reader never maps half a file.
 *
 * <p>The cache records the jar's path, size and modification time: the JVM refuses it (with a
 * warning) for any other jar, so it is made after the jar is packaged, from the jar in place.
 * Options that change the class set or the heap layout (the garbage collector, {@code
 * -XX:+UseCompactObjectHeaders}) must be the same in training and in use.
 */
public final class AotTraining {

  /** What the training run does with a started kernel: requests that load the classes it serves with. */
  @FunctionalInterface
  public interface Workload {
    /**
     * Exercises the kernel.
     *
     * @param firstLine the kernel's first line on standard output
     * @throws Exception failing the training run
     */
    void run(String firstLine) throws Exception;
  }

  private final Path jar;
  private final Path cache;
  private final List<String> jvmOptions = new ArrayList<>();
  private final List<String> arguments = new ArrayList<>();
  private Duration timeout = Duration.ofMinutes(2);

  private AotTraining(Path jar, Path cache) {
    // Absolute: the cache records the class path as given, and a kernel is started by its full path.
    this.jar = jar.toAbsolutePath();
    this.cache = cache.toAbsolutePath();
  }

  /** A training run of {@code jar} that writes {@code cache}. */
  public static AotTraining of(Path jar, Path cache) {
    return new AotTraining(jar, cache);
  }

  /** Adds JVM options, used for training; the same must be given with {@code -XX:AOTCache}. */
  public AotTraining jvmOptions(String... options) {
    jvmOptions.addAll(List.of(options));
    return this;
  }

  /** Adds the kernel's boot arguments. */
  public AotTraining arguments(String... args) {
    arguments.addAll(List.of(args));
    return this;
  }

  /** Bounds each of the waits: for the first line, and for the exit that writes the cache. */
  public AotTraining timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /**
   * Runs the training as described above.
   *
   * @return the size of the cache in bytes
   * @throws IOException if the kernel printed nothing, exited early, did not exit in time, or
   *     wrote no cache; the message holds what it printed
   * @throws Exception what the workload threw
   */
  public long run(Workload workload) throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IOException("no jar to train: " + jar);
    }
    Path partial = cache.resolveSibling(cache.getFileName() + ".tmp");
    Files.deleteIfExists(partial);
    Files.deleteIfExists(cache);
    Path log = cache.resolveSibling(cache.getFileName() + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:AOTCacheOutput=" + partial);
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(arguments);
    Process kernel = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    kernel.getOutputStream().close();
    BufferedReader out = new BufferedReader(new InputStreamReader(kernel.getInputStream(), StandardCharsets.UTF_8));
    try {
      String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (first == null) {
        throw failure("the kernel exited before its first line", kernel, log);
      }
      // The rest of standard output is drained so that the kernel never blocks on a full pipe.
      Thread.ofVirtual().start(() -> drain(out));
      workload.run(first);
      // SIGTERM: the kernel's orderly shutdown; the JVM then writes the cache, reporting on
      // standard output (Process.destroy would also close the pipe the report goes to).
      kernel.toHandle().destroy();
      if (!kernel.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw failure("the kernel did not exit within " + timeout + " of SIGTERM", kernel, log);
      }
    } catch (TimeoutException e) {
      throw failure("no first line within " + timeout, kernel, log);
    } finally {
      kernel.destroyForcibly();
    }
    if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
      throw failure("the training run wrote no AOT cache at " + partial, kernel, log);
    }
    Files.move(partial, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return Files.size(cache);
  }

  private static IOException failure(String what, Process kernel, Path log) throws IOException {
    kernel.destroyForcibly();
    String err = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    return new IOException(what + (kernel.isAlive() ? "" : " (exit status " + exitValue(kernel) + ")")
        + "; its standard error:\n" + err);
  }

  private static String exitValue(Process kernel) {
    try {
      return String.valueOf(kernel.waitFor());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static void drain(BufferedReader in) {
    try {
      while (in.readLine() != null) {
        // discard
      }
    } catch (IOException ignored) {
      // the kernel has exited
    }
  }
}
