package io.morgana.testkit.interop;

import io.morgana.runtime.nativeio.Errno;
import io.morgana.runtime.nativeio.Libc;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Linux network namespace made for one test: {@code ip netns add morgana-<random>} with {@code
 * lo} up inside, and nothing else. Commands run inside it ({@link #exec}, {@link #start}) through
 * {@code ip netns exec}; Java code runs inside it through {@link #callInside}, on a new platform
 * thread that has joined the namespace with {@code setns(2)} — a TAP device or socket that code
 * opens belongs to the namespace.
 *
 * <p>{@link #close()} kills what {@link #start} started and every other process left in the
 * namespace, then deletes it. {@link NetworkNamespaceExtension} does that after each test, even
 * when the test failed. Needs root and {@code ip} (iproute2).
 */
public final class NetworkNamespace implements AutoCloseable {

  /** How long {@link #exec(String...)} waits for a command before killing it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Path NETNS_DIR = Path.of("/var/run/netns");

  private final String name;
  private final String ip;
  private final List<Process> started = new ArrayList<>();
  private boolean closed;

  private NetworkNamespace(String name, String ip) {
    this.name = name;
    this.ip = ip;
  }

  /**
   * Creates a new namespace named {@code morgana-} and eight random hex digits, with {@code lo}
   * up. Outside JUnit (benchmarks, tools) close it yourself; in tests use {@link
   * NetworkNamespaceExtension}.
   *
   * @throws IllegalStateException if {@code ip} is missing or the namespace cannot be created
   *     (not root)
   */
  public static NetworkNamespace create() {
    String ip = HostTools.find("ip")
        .orElseThrow(() -> new IllegalStateException("command ip not found (Debian: iproute2)"))
        .toString();
    for (int attempt = 0; attempt < 10; attempt++) {
      String name = "morgana-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
      if (Files.exists(NETNS_DIR.resolve(name))) {
        continue;
      }
      ExecResult add = run(DEFAULT_TIMEOUT, List.of(ip, "netns", "add", name));
      if (!add.ok()) {
        throw new IllegalStateException("ip netns add " + name + " failed: " + add);
      }
      NetworkNamespace ns = new NetworkNamespace(name, ip);
      ExecResult lo = run(DEFAULT_TIMEOUT, List.of(ip, "-n", name, "link", "set", "lo", "up"));
      if (!lo.ok()) {
        ns.close();
        throw new IllegalStateException("ip -n " + name + " link set lo up failed: " + lo);
      }
      return ns;
    }
    throw new IllegalStateException("could not find a free namespace name");
  }

  /** The namespace's name, as {@code ip netns} knows it ({@code morgana-1a2b3c4d}). */
  public String name() {
    return name;
  }

  /** The namespace's bind mount, {@code /var/run/netns/NAME}. */
  public Path path() {
    return NETNS_DIR.resolve(name);
  }

  /** Runs {@code command} inside the namespace and waits for it (at most {@link #DEFAULT_TIMEOUT}). */
  public ExecResult exec(String... command) {
    return exec(DEFAULT_TIMEOUT, command);
  }

  /**
   * Runs {@code command} inside the namespace and waits for it.
   *
   * @throws IllegalStateException if it did not finish within {@code timeout} (it is killed; the
   *     message holds its output so far)
   */
  public ExecResult exec(Duration timeout, String... command) {
    checkOpen();
    return run(timeout, inside(command));
  }

  /**
   * Like {@link #exec(String...)}, and requires exit status 0.
   *
   * @throws AssertionError naming the command, with its status, stdout and stderr, otherwise
   */
  public ExecResult execOk(String... command) {
    return execOk(DEFAULT_TIMEOUT, command);
  }

  /** Like {@link #exec(Duration, String...)}, and requires exit status 0. */
  public ExecResult execOk(Duration timeout, String... command) {
    ExecResult r = exec(timeout, command);
    if (!r.ok()) {
      throw new AssertionError("in namespace " + name + ": " + String.join(" ", command) + " failed: " + r);
    }
    return r;
  }

  /**
   * Starts {@code command} inside the namespace and returns at once. Its standard input, output
   * and error are pipes (read them, or the command may block once a pipe is full). The process
   * and its descendants are killed when the namespace is closed.
   */
  public Process start(String... command) {
    return start(new ProcessBuilder(inside(command)));
  }

  /**
   * Starts {@code builder}'s command inside the namespace, with the builder's redirections and
   * environment (its command is prefixed with {@code ip netns exec NAME}).
   */
  public synchronized Process start(ProcessBuilder builder) {
    checkOpen();
    List<String> cmd = builder.command();
    if (cmd.size() < 4 || !cmd.get(0).equals(ip) || !cmd.get(3).equals(name)) {
      builder.command(inside(cmd.toArray(String[]::new)));
    }
    try {
      Process p = builder.start();
      started.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
  }

  /**
   * Runs {@code task} on a new platform thread that first joins this namespace ({@code
   * setns(open("/var/run/netns/NAME"), CLONE_NEWNET)}), waits for it and returns its result.
   * Sockets and TAP devices the task opens belong to the namespace; file descriptors stay valid
   * on other threads afterwards. Threads the task starts (a {@code KernelLoop} started inside)
   * inherit the namespace; the calling thread and the rest of the JVM stay where they were.
   *
   * @throws Exception whatever {@code task} threw, or an {@link IOException} if joining failed
   */
  public <T> T callInside(Callable<T> task) throws Exception {
    checkOpen();
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    String mount = path().toString();
    Thread t = Thread.ofPlatform().name("netns-" + name).start(() -> {
      try {
        int fd = Libc.open(mount, Libc.O_RDONLY | Libc.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
          Errno errno = new Errno(arena);
          if (Libc.setns(errno, fd, Libc.CLONE_NEWNET) != 0) {
            throw errno.exception("setns(" + mount + ", CLONE_NEWNET)");
          }
        } finally {
          Libc.closeQuietly(fd);
        }
        result.set(task.call());
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.join();
    Throwable e = failure.get();
    if (e instanceof Exception ex) {
      throw ex;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return result.get();
  }

  /** Whether {@code ip netns list} still lists this namespace. */
  public boolean exists() {
    ExecResult list = run(DEFAULT_TIMEOUT, List.of(ip, "netns", "list"));
    for (String line : list.stdout().split("\n")) {
      String first = line.strip().split("\\s+")[0];
      if (first.equals(name)) {
        return true;
      }
    }
    return Files.exists(path());
  }

  /**
   * Kills the processes started here and any other process left inside, then deletes the
   * namespace. Idempotent.
   *
   * @throws IllegalStateException if the namespace could not be deleted
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Process p : started) {
      kill(p);
    }
    started.clear();
    // Anything else still running in the namespace (children that escaped, daemons).
    ExecResult pids = run(DEFAULT_TIMEOUT, List.of(ip, "netns", "pids", name));
    for (String pid : pids.stdout().split("\\s+")) {
      if (!pid.isBlank()) {
        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(NetworkNamespace::kill);
      }
    }
    ExecResult del = run(DEFAULT_TIMEOUT, List.of(ip, "netns", "del", name));
    if (!del.ok() && exists()) {
      throw new IllegalStateException("ip netns del " + name + " failed: " + del);
    }
  }

  @Override
  public String toString() {
    return "NetworkNamespace[" + name + "]";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("namespace " + name + " was closed");
    }
  }

  private List<String> inside(String... command) {
    if (command.length == 0) {
      throw new IllegalArgumentException("no command");
    }
    List<String> cmd = new ArrayList<>(command.length + 4);
    cmd.add(ip);
    cmd.add("netns");
    cmd.add("exec");
    cmd.add(name);
    for (String c : command) {
      cmd.add(Objects.requireNonNull(c, "command element"));
    }
    return cmd;
  }

  private static void kill(Process p) {
    p.descendants().forEach(NetworkNamespace::kill);
    kill(p.toHandle());
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void kill(ProcessHandle h) {
    if (!h.isAlive()) {
      return;
    }
    h.destroy();
    try {
      h.onExit().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      h.destroyForcibly();
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Reported by the namespace deletion if it matters.
      }
    }
  }

  private static String text(File f) throws IOException {
    return new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8);
  }

  /** Runs a command to completion (output through temporary files, so no pipe can block it). */
  static ExecResult run(Duration timeout, List<String> command) {
    File out = null;
    File err = null;
    try {
      out = File.createTempFile("morgana-exec", ".out");
      err = File.createTempFile("morgana-exec", ".err");
      Process p = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out)
          .redirectError(err)
          .start();
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        kill(p);
        throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command)
            + "\n--- stdout ---\n" + text(out)
            + "--- stderr ---\n" + text(err));
      }
      return new ExecResult(p.exitValue(),
          text(out),
          text(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      if (out != null) {
        out.delete();
      }
      if (err != null) {
        err.delete();
      }
    }
  }
}
