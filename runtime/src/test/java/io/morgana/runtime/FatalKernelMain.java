package io.morgana.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A kernel that fails fatally on purpose, run as a child JVM by {@link FatalErrorProcessTest}:
 * {@code java -Xmx32m ... FatalKernelMain MODE}. It prints {@code started} on standard output once
 * its application runs, then, after the test's first line on standard input (or at once with
 * {@code now}), fails on the loop as MODE says:
 *
 * <ul>
 *   <li>{@code stack-overflow}: a task recurses without end;
 *   <li>{@code oom}: a task allocates until the heap is full, keeping everything (a leak: the heap
 *       stays full after the error);
 *   <li>{@code oom-elsewhere}: the same on a platform thread that is not the loop, uncaught;
 *   <li>{@code oom-hung-close}: as {@code oom}, with a device whose close never returns, so only
 *       the watchdog (or a signal) can end the process.
 * </ul>
 */
public final class FatalKernelMain {

  /** The leak: reachable for ever, so an out-of-memory heap stays full. */
  static final List<Object> LEAK = new ArrayList<>();

  private FatalKernelMain() {}

  public static void main(String[] args) {
    String mode = args[0];
    Kernel.boot("fatal-test", new String[] {"--logs=info"}, (arguments, loop, lifecycle) -> new KernelComponent() {
      @Override
      public java.util.Set<BootKey<?>> bootKeys() {
        return java.util.Set.of();
      }

      @Override
      public Application application() {
      if (mode.equals("oom-hung-close")) {
        lifecycle.onShutdown(() -> new CountDownLatch(1).await()); // a device that never closes
      }
      return () -> {
        System.out.println("started");
        System.out.flush();
        Thread.ofPlatform().daemon().start(() -> {
          try {
            System.in.read(); // the test says when
          } catch (java.io.IOException ignored) {
            // go on
          }
          if (mode.equals("oom-elsewhere")) {
            // The loop makes its poll set at its first idle turn; a heap filled before that fails
            // the loop's own allocation first and the kernel names the loop, not the leaker.
            awaitIdle(loop);
            Thread.ofPlatform().name("leaker").start(FatalKernelMain::leak);
          } else {
            loop.execute(mode.equals("stack-overflow") ? FatalKernelMain::recurse : FatalKernelMain::leak);
          }
        });
        return new CompletableFuture<Void>(); // runs until stopped
      };
      }
    });
  }

  /**
   * Until the loop has slept and woken at least once, then sleeps again: its poll set is made and
   * its {@code ppoll} bound (both lazily, at the first sleep), so a full heap cannot fail the loop
   * first. A turn count that stays still for 100 ms alone is not proof of a sleep: on a loaded
   * machine the loop thread can go unscheduled for that long between a turn's start and its
   * first {@code ppoll}, whose binding then met the full heap and the kernel named the loop.
   */
  private static void awaitIdle(EventLoop loop) {
    if (!(loop instanceof KernelLoop k)) {
      return;
    }
    try {
      long before = awaitStill(k);
      loop.execute(() -> {}); // wakes the sleep (or the sleep about to start) into a new turn
      while (awaitStill(k) <= before) {
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the turn count stays still for 100 ms and returns it. */
  private static long awaitStill(KernelLoop k) throws InterruptedException {
    long seen = -1;
    while (k.turns() != seen) {
      seen = k.turns();
      Thread.sleep(100);
    }
    return seen;
  }

  private static int depth;

  private static void recurse() {
    depth++;
    recurse();
  }

  private static void leak() {
    while (true) {
      LEAK.add(new long[16 * 1024]);
    }
  }
}
