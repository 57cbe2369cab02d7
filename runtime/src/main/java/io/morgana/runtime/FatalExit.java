package io.morgana.runtime;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The way out of a process whose kernel hit an {@link Error} it cannot survive (issue 8): an
 * {@link OutOfMemoryError} or {@link StackOverflowError} on the loop thread, or a {@link
 * VirtualMachineError} that no other thread caught. {@link Kernel#boot} arms one per process.
 *
 * <p>Everything the way out needs exists before it is needed, since the heap may be full and the
 * stack short when it is taken:
 *
 * <ul>
 *   <li>a <em>reserve</em> of heap, dropped first, so that the orderly exit that follows (and the
 *       JVM's dispatch of a SIGTERM, which starts a thread) has room to allocate;
 *   <li>the message, as bytes, and an unbuffered stream on file descriptor 2 to write it with no
 *       logger, lock or encoder in the way;
 *   <li>a <em>watchdog</em> thread, started at boot and parked: once triggered, it halts the JVM
 *       ({@link Runtime#halt}, status {@link Kernel#EXIT_FAILURE}) if the orderly exit — stop the
 *       loop, close the {@link Lifecycle}, {@code System.exit} — has not ended the process within
 *       {@link #HALT_AFTER_NANOS}.
 * </ul>
 *
 * <p>{@link #trigger} writes one line, {@code "NAME: fatal java.lang.OutOfMemoryError: Java heap
 * space on the kernel loop; the kernel stops (exit status 1)"}, wakes the watchdog and runs the
 * kernel's exit action; only the first call does anything.
 */
final class FatalExit {

  /** How long the orderly exit may take after a fatal error before the JVM is halted. */
  static final long HALT_AFTER_NANOS = 10_000_000_000L;

  private static final int MIN_RESERVE = 256 * 1024;
  private static final int MAX_RESERVE = 4 * 1024 * 1024;

  private static final byte[] OOM = OutOfMemoryError.class.getName().getBytes(StandardCharsets.UTF_8);
  private static final byte[] SOE = StackOverflowError.class.getName().getBytes(StandardCharsets.UTF_8);
  private static final byte[] LOOP = "the kernel loop".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COLON = ": ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ON = " on ".getBytes(StandardCharsets.UTF_8);

  private final byte[] prefix;
  private final byte[] suffix;
  private final byte[] halting;
  private final byte[] line = new byte[4096];
  private final FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
  private final AtomicBoolean triggered = new AtomicBoolean();
  private final Thread watchdog;
  private volatile Runnable exitAction = () -> {};
  @SuppressWarnings("unused") // held only to be dropped
  private volatile byte[] reserve;

  private FatalExit(String name) {
    prefix = (name + ": fatal ").getBytes(StandardCharsets.UTF_8);
    suffix = ("; the kernel stops (exit status " + Kernel.EXIT_FAILURE + ")\n").getBytes(StandardCharsets.UTF_8);
    halting = (name + ": the kernel did not exit within " + HALT_AFTER_NANOS / 1_000_000_000L
        + " s of the fatal error; halting the JVM (exit status " + Kernel.EXIT_FAILURE + ")\n")
        .getBytes(StandardCharsets.UTF_8);
    long max = Runtime.getRuntime().maxMemory();
    reserve = new byte[(int) Math.max(MIN_RESERVE, Math.min(MAX_RESERVE, max / 64))];
    watchdog = Thread.ofPlatform().name(name + "-fatal-watchdog").daemon().stackSize(256 * 1024).unstarted(this::watch);
  }

  /**
   * Arms the way out for the kernel {@code name}: the reserve, the message, the watchdog, and a
   * default uncaught-exception handler that treats a {@link VirtualMachineError} on any thread as
   * fatal (other throwables are printed as the JVM would).
   */
  static FatalExit arm(String name) {
    FatalExit fatal = new FatalExit(name);
    fatal.watchdog.start();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
      if (e instanceof VirtualMachineError) {
        fatal.trigger(e, thread);
      }
      if (previous != null) {
        previous.uncaughtException(thread, e);
      } else {
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        e.printStackTrace(System.err);
      }
    });
    return fatal;
  }

  /** What the kernel does to exit once the message is out (complete its exit status). */
  void onTrigger(Runnable action) {
    exitAction = action;
  }

  /**
   * The fatal error {@code error} happened on {@code thread} ({@code null}: the kernel loop):
   * drops the reserve, writes the message, wakes the watchdog and runs the exit action. Only the
   * first call acts. Allocates nothing on its own path before the message is written, save for
   * the error's detail text, which is left out if it cannot be had.
   */
  void trigger(Throwable error, Thread thread) {
    reserve = null;
    if (!triggered.compareAndSet(false, true)) {
      return;
    }
    try {
      writeMessage(error, thread);
    } catch (Throwable ignored) {
      // Nothing more can be said; the exit goes on.
    }
    LockSupport.unpark(watchdog);
    try {
      exitAction.run();
    } catch (Throwable ignored) {
      // The watchdog halts the JVM.
    }
  }

  /** Whether {@link #trigger} has run. */
  boolean triggered() {
    return triggered.get();
  }

  private void writeMessage(Throwable error, Thread thread) throws IOException {
    int n = put(prefix, 0);
    byte[] type = error instanceof OutOfMemoryError ? OOM : error instanceof StackOverflowError ? SOE : null;
    try {
      if (type == null) {
        type = error.getClass().getName().getBytes(StandardCharsets.UTF_8);
      }
      n = put(type, n);
      String detail = error.getMessage();
      if (detail != null) {
        n = put(COLON, n);
        n = put(detail.getBytes(StandardCharsets.UTF_8), n);
      }
      n = put(ON, n);
      n = put(thread == null ? LOOP : ("thread " + thread.getName()).getBytes(StandardCharsets.UTF_8), n);
    } catch (Throwable noRoom) {
      // Out of memory even for the detail: the prefix and the suffix still make a sentence.
    }
    System.arraycopy(suffix, 0, line, n, suffix.length); // put() left room for it
    stderr.write(line, 0, n + suffix.length);
  }

  /** Copies {@code bytes} into the line at {@code at}, as much as fits before the suffix. */
  private int put(byte[] bytes, int at) {
    int room = line.length - suffix.length - at;
    int k = Math.max(0, Math.min(bytes.length, room));
    System.arraycopy(bytes, 0, line, at, k);
    return at + k;
  }

  private void watch() {
    while (!triggered.get()) {
      LockSupport.park(this);
    }
    long deadline = System.nanoTime() + HALT_AFTER_NANOS;
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left);
    }
    try {
      stderr.write(halting);
    } catch (Throwable ignored) {
      // Halting regardless.
    }
    Runtime.getRuntime().halt(Kernel.EXIT_FAILURE);
  }
}
