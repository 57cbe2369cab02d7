package io.morgana.runtime;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots a kernel from {@code main}: the one place where a Morgana process starts.
 *
 * <pre>{@code
 * public static void main(String[] argv) {
 *   Kernel.boot("hello", argv, DaggerUnixKernel.factory()::create);
 * }
 * }</pre>
 *
 * <ol>
 *   <li>Configures logging ({@link Logging}: standard error, timestamps, the {@code --logs} level,
 *       a standard key whose value is read before anything logs).
 *   <li>Creates a {@link KernelLoop} named after the kernel and a {@link Lifecycle}, and creates
 *       the kernel's component with the {@link KernelFactory}, its boot arguments not yet checked
 *       (Dagger builds nothing until asked; see {@link KernelComponent}).
 *   <li>Checks {@code argv} against the component's {@link KernelComponent#bootKeys() keys} —
 *       contributed by its modules — plus {@link #STANDARD_KEYS} ({@code --logs}). {@code --help}
 *       prints every key with its help and default to standard output and exits 0; an unknown
 *       key, a malformed value or a missing required key prints one message and a hint to try
 *       {@code --help} to standard error and exits 2.
 *   <li>Installs a shutdown hook, starts the loop, and asks the component for its {@link
 *       KernelComponent#application() application} on the boot thread — off the loop, since
 *       building opens devices and mounts file systems, which may block — then calls {@link
 *       Application#start()} on the loop thread.
 *   <li>When the application's stage completes, shuts down and exits 0 (1 if it failed, or if
 *       building or starting it threw). SIGINT or SIGTERM shut down through the hook, and the
 *       JVM exits with the signal's status (130, 143).
 * </ol>
 *
 * <p><b>Fatal errors fail fast.</b> An {@link Error} on the loop thread ({@link
 * OutOfMemoryError}, {@link StackOverflowError}, ...), or a {@link VirtualMachineError} no other
 * thread caught, ends the kernel: one line on standard error, {@code "hello: fatal
 * java.lang.OutOfMemoryError: Java heap space on the kernel loop; the kernel stops (exit status
 * 1)"}, then the same shutdown as above and exit status 1. {@link #boot} prepares that way out
 * before the application starts (a heap reserve it drops first, so that the exit and a SIGTERM
 * have room; the message as bytes; a watchdog thread) and halts the JVM if the orderly exit has
 * not ended the process 10 s after the error. An {@link Exception} thrown on the loop is logged
 * and counted, and the kernel goes on ({@link KernelLoop#failures()}).
 *
 * Shutting down stops the loop (its current turn finishes; nothing else runs on it), waits for
 * the loop thread, then closes everything registered with the {@link Lifecycle}, last first,
 * logging each.
 *
 * <p>Tests do not boot: they build the same application with the same component, passing a
 * {@link DeterministicLoop}, {@link BootArguments#defaults} or {@link BootArguments#parse} (of
 * the component's {@link KernelComponent#bootKeys()}), and a {@link Lifecycle} they close
 * themselves.
 */
public final class Kernel {

  /** Keys every kernel accepts besides its component's: {@link Logging#LOGS}. */
  public static final List<BootKey<?>> STANDARD_KEYS = List.of(Logging.LOGS);

  /** Exit status when the application finished. */
  public static final int EXIT_OK = 0;
  /** Exit status when the application or the loop failed. */
  public static final int EXIT_FAILURE = 1;
  /** Exit status for boot arguments that cannot be accepted. */
  public static final int EXIT_USAGE = 2;

  /** How long shutdown waits for the loop's current turn before closing devices regardless. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private Kernel() {}

  /**
   * Runs the kernel as described above and exits the JVM with its status. Does not return.
   *
   * @param name the kernel's name: in {@code --help}, messages, and the loop thread's name
   * @param argv the command line
   * @param factory creates the kernel's component, usually {@code DaggerXxxKernel.factory()::create}
   */
  public static void boot(String name, String[] argv, KernelFactory<?> factory) {
    quietNettyStartup();
    FatalExit fatal = FatalExit.arm(name);
    System.exit(run(name, argv, factory, System.out, System.err, fatal));
  }

  /**
   * Netty's JFR events off unless {@code -Dio.netty.jfr.enabled} says otherwise: Netty's first
   * buffer otherwise asks {@code jdk.jfr.FlightRecorder} whether JFR is available, which loads
   * about 110 JFR classes at boot (measured with {@code -Xlog:class+load}; benchmarks/startup.sh)
   * for events nobody records. Called by {@link #boot} only, before anything touches Netty.
   */
  static void quietNettyStartup() {
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
  }

  /**
   * Runs the kernel as {@link #boot} does, but returns the exit status instead of exiting.
   * Standard output gets only {@code --help}; messages about arguments go to standard error.
   *
   * @throws IllegalArgumentException if two of the component's keys, or one of them and a
   *     standard key, have the same name (a programming error)
   */
  public static int run(String name, String[] argv, KernelFactory<?> factory) {
    return run(name, argv, factory, System.out, System.err, null);
  }

  static int run(String name, String[] argv, KernelFactory<?> factory, PrintStream out, PrintStream err) {
    return run(name, argv, factory, out, err, null);
  }

  /** As {@link #run}; with {@code fatal} (from {@link #boot}) a fatal error takes its way out. */
  private static int run(
      String name, String[] argv, KernelFactory<?> factory, PrintStream out, PrintStream err, FatalExit fatal) {
    // Before the first logger exists (the loop has one): slf4j-simple reads these once.
    Logging.configure(logSpec(argv));
    Logger log = LoggerFactory.getLogger(Kernel.class);

    KernelLoop loop;
    try {
      loop = new KernelLoop(name);
    } catch (RuntimeException e) {
      log.error("kernel {} cannot create its loop", name, e);
      return EXIT_FAILURE;
    }
    Lifecycle lifecycle = new Lifecycle();
    BootArguments arguments = BootArguments.unchecked(argv);
    KernelComponent component;
    try {
      component = factory.create(arguments, loop, lifecycle);
    } catch (Exception e) {
      log.error("kernel {} could not create its component", name, e);
      lifecycle.close();
      return EXIT_FAILURE;
    }
    List<BootKey<?>> all = keysOf(component);
    try {
      arguments.check(all);
    } catch (BootArgumentException e) {
      err.println(name + ": " + e.getMessage());
      err.println("try --help for the list of boot arguments");
      err.flush();
      lifecycle.close();
      return EXIT_USAGE;
    }
    if (arguments.helpRequested()) {
      out.print(BootArguments.usage(name, all));
      out.flush();
      lifecycle.close();
      return EXIT_OK;
    }

    Shutdown shutdown = new Shutdown(name, loop, lifecycle, log);
    Thread hook =
        Thread.ofPlatform()
            .name(name + "-shutdown")
            .unstarted(
                () -> {
                  log.info("kernel {} received a termination signal", name);
                  shutdown.run();
                });
    Runtime.getRuntime().addShutdownHook(hook);

    CompletableFuture<Integer> exit = new CompletableFuture<>();
    // An Error on the loop: say so at once and wake main to shut down; nothing else runs on it.
    loop.onFatal(
        failure -> {
          if (fatal != null && failure instanceof Error) {
            fatal.trigger(failure, null);
          }
          exit.complete(EXIT_FAILURE);
        });
    if (fatal != null) {
      // A VirtualMachineError on another thread: the same way out.
      fatal.onTrigger(() -> exit.complete(EXIT_FAILURE));
    }
    loop.termination()
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                exit.complete(EXIT_FAILURE);
              } else {
                exit.complete(EXIT_OK); // stopped by the shutdown hook
              }
            });
    loop.start();
    // The application is built here, on the boot thread, not on the loop: building opens devices
    // and mounts file systems, which may block (a FAT volume is read from its disk). Everything
    // built registers with the running loop through the bridge; only start() runs on the loop.
    Application application;
    try {
      application = component.application();
    } catch (Throwable e) {
      if (isEnvironmentFailure(e)) {
        // A device or file the command line named cannot be used: say so in one line, with the
        // next step when the failure names one; the stack trace is for --logs=debug.
        log.error("kernel {} could not build its application: {}", name, describe(e));
        log.debug("kernel {}: what failed", name, e);
      } else {
        log.error("kernel {} could not build its application", name, e);
      }
      application = null;
      exit.complete(EXIT_FAILURE);
    }
    if (application != null) {
      Application app = application;
      loop.execute(
          () -> {
            try {
              log.info("kernel {} starting {} with {}", name, app.getClass().getSimpleName(), arguments);
              CompletionStage<?> done = app.start();
              done.whenComplete(
                  (ignored, failure) -> {
                    if (failure != null) {
                      log.error("kernel {}: the application failed", name, failure);
                      exit.complete(EXIT_FAILURE);
                    } else {
                      log.info("kernel {}: the application finished", name);
                      exit.complete(EXIT_OK);
                    }
                  });
            } catch (Throwable e) {
              log.error("kernel {} could not start its application", name, e);
              exit.complete(EXIT_FAILURE);
            }
          });
    }

    int status = exit.join();
    shutdown.run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // A signal arrived meanwhile; the hook has run shutdown (or waits on it).
    }
    return status;
  }

  /**
   * Every boot key of the kernel that {@code factory} creates — its component's, then {@link
   * #STANDARD_KEYS} — as {@link #boot} checks the command line against them. For tests and tools
   * that build a kernel's component themselves ({@code BootArguments.parse(Kernel.bootKeys(f),
   * argv)}): it creates a throwaway component, which builds nothing, to read its keys.
   *
   * @throws Exception if the factory throws
   */
  public static List<BootKey<?>> bootKeys(KernelFactory<?> factory) throws Exception {
    return keysOf(factory.create(BootArguments.unchecked(), new DeterministicLoop(), new Lifecycle()));
  }

  /**
   * The component's keys, by name, then {@link #STANDARD_KEYS}; a key the component contributes
   * that is also standard counts once.
   */
  static List<BootKey<?>> keysOf(KernelComponent component) {
    List<BootKey<?>> keys = new ArrayList<>();
    for (BootKey<?> key : component.bootKeys()) {
      if (!STANDARD_KEYS.contains(key)) {
        keys.add(key);
      }
    }
    keys.sort(Comparator.comparing(BootKey::name));
    keys.addAll(STANDARD_KEYS);
    return keys;
  }

  /**
   * Whether building failed on the environment — an {@link java.io.IOException} anywhere in the
   * chain (a disk that cannot be opened or mounted; Dagger providers wrap them in {@link
   * java.io.UncheckedIOException}) — rather than on a programming error, whose stack trace matters.
   */
  static boolean isEnvironmentFailure(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The messages of {@code e} and its causes, outermost first, joined by {@code ": "}; a wrapper
   * whose message only repeats its cause is left out.
   */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
      String message = t.getMessage();
      Throwable cause = t.getCause();
      if (message == null || (cause != null && message.equals(cause.toString()))) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(": ");
      }
      out.append(message);
    }
    return out.isEmpty() ? e.toString() : out.toString();
  }

  /** The {@code --logs} value of {@code argv}, or the default when absent or malformed (the check reports it). */
  private static String logSpec(String[] argv) {
    String spec = Logging.LOGS.defaultValue();
    for (String arg : argv) {
      if (arg != null && arg.startsWith("--" + Logging.LOGS.name() + "=")) {
        try {
          spec = Logging.LOGS.parse(arg.substring(Logging.LOGS.name().length() + 3));
        } catch (BootArgumentException malformed) {
          return Logging.LOGS.defaultValue();
        }
      }
    }
    return spec;
  }

  /** Stops the loop, then closes the lifecycle; once, whoever calls first (main or the hook). */
  private static final class Shutdown implements Runnable {
    private final String name;
    private final KernelLoop loop;
    private final Lifecycle lifecycle;
    private final Logger log;
    private boolean done;

    Shutdown(String name, KernelLoop loop, Lifecycle lifecycle, Logger log) {
      this.name = name;
      this.loop = loop;
      this.lifecycle = lifecycle;
      this.log = log;
    }

    @Override
    public synchronized void run() {
      if (done) {
        return;
      }
      done = true;
      log.info("kernel {} shutting down", name);
      loop.stop();
      try {
        if (!loop.awaitTermination(STOP_TIMEOUT)) {
          log.warn("kernel {}: the loop did not stop within {}; closing devices anyway", name, STOP_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lifecycle.close();
      log.info("kernel {} shut down", name);
    }
  }
}
