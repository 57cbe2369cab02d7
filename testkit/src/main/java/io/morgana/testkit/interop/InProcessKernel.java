package io.morgana.testkit.interop;

import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelFactory;
import io.morgana.runtime.KernelLoop;
import io.morgana.runtime.Lifecycle;
import io.morgana.runtime.LoopBridge;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A kernel booted inside a test network namespace, in this JVM, the way {@link
 * io.morgana.runtime.Kernel} boots one: a {@link KernelLoop} started from a thread that has joined
 * the namespace, the application built off the loop on a thread inside the namespace (so the TAP
 * device it opens is created there), then started on the loop thread. {@link #close()} stops the
 * loop, then closes the {@link Lifecycle} — Kernel's shutdown order. For interop tests of
 * applications (examples/echo, examples/dhcp-server).
 */
public final class InProcessKernel<A extends Application> implements AutoCloseable {

  private final KernelLoop loop;
  private final Lifecycle lifecycle;
  private final A application;

  private InProcessKernel(KernelLoop loop, Lifecycle lifecycle, A application) {
    this.loop = loop;
    this.lifecycle = lifecycle;
    this.application = application;
  }

  /**
   * Boots the kernel that {@code factory} creates with {@code argv}, checked against the
   * component's boot keys as {@link io.morgana.runtime.Kernel} checks them.
   */
  @SuppressWarnings("unchecked")
  public static <A extends Application> InProcessKernel<A> boot(
      NetworkNamespace ns, KernelFactory<?> factory, String... argv) throws Exception {
    BootArguments arguments = BootArguments.parse(Kernel.bootKeys(factory), argv);
    KernelLoop loop =
        ns.callInside(
            () -> {
              KernelLoop l = new KernelLoop("interop-kernel");
              l.start();
              return l;
            });
    Lifecycle lifecycle = new Lifecycle();
    CompletableFuture<A> started = new CompletableFuture<>();
    try {
      // Built as Kernel builds it: off the loop, here on a thread inside the namespace (the TAP
      // device must be created there); only start() runs on the loop.
      A app = ns.callInside(() -> (A) factory.create(arguments, loop, lifecycle).application());
      loop.execute(
          () -> {
            try {
              app.start();
              started.complete(app);
            } catch (Throwable e) {
              started.completeExceptionally(e);
            }
          });
    } catch (Throwable e) {
      started.completeExceptionally(e);
    }
    try {
      return new InProcessKernel<>(loop, lifecycle, started.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      loop.close();
      lifecycle.close();
      throw e;
    }
  }

  /** The kernel loop. */
  public EventLoop loop() {
    return loop;
  }

  /** The started application. */
  public A application() {
    return application;
  }

  /** Runs {@code task} on the loop thread and returns its result (waiting at most 60 s). */
  public <T> T onLoop(Callable<T> task) throws Exception {
    return new LoopBridge(loop).runAndWait(task, Duration.ofSeconds(60));
  }

  @Override
  public void close() {
    try {
      loop.close();
    } finally {
      lifecycle.close();
    }
  }
}
