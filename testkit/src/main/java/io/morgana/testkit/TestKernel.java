package io.morgana.testkit;

import io.morgana.runtime.Application;
import io.morgana.runtime.BootArgumentException;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.KernelFactory;
import io.morgana.runtime.Lifecycle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Boots an application's kernel component the way {@link Kernel#boot} does, but on a {@link
 * DeterministicLoop} and inside the test: boot arguments checked against the component's own keys,
 * the application built off the loop, {@link Application#start()} called on the loop, the loop
 * run until idle. A test of an application is then its assertions:
 *
 * <pre>{@code
 * try (TestKernel<NotesTestKernel> kernel =
 *     TestKernel.boot(DaggerNotesTestKernel.factory()::create, "--ipv4=192.0.2.2/24")) {
 *   assertTrue(kernel.isRunning());
 *   ...                                   // drive it through kernel.component(), kernel.loop()
 * }
 * }</pre>
 *
 * <p>{@link #outcome()} is what {@code start()} returned, or, if it threw, a future failed with
 * that exception — no {@code try}/{@code catch} around {@code start() throws Exception} in the
 * test. {@link #close()} runs the loop until idle and closes everything registered with the
 * kernel's {@link Lifecycle} (devices, the switch of {@link SwitchNetifModule}, RAM disks).
 *
 * <p>Not thread-safe: the test thread drives the loop ({@link #runUntilIdle()}, {@link
 * #advance(Duration)}).
 *
 * @param <C> the component
 */
public final class TestKernel<C extends KernelComponent> implements AutoCloseable {

  private final DeterministicLoop loop;
  private final Lifecycle lifecycle;
  private final BootArguments arguments;
  private final C component;
  private final Application application;
  private final CompletableFuture<Object> outcome;

  private TestKernel(
      DeterministicLoop loop, Lifecycle lifecycle, BootArguments arguments, C component,
      Application application, CompletableFuture<Object> outcome) {
    this.loop = loop;
    this.lifecycle = lifecycle;
    this.arguments = arguments;
    this.component = component;
    this.application = application;
    this.outcome = outcome;
  }

  /**
   * Boots {@code factory}'s component with the command line {@code argv} on a new {@link
   * DeterministicLoop}, starts its application and runs the loop until idle.
   *
   * @throws IllegalArgumentException if {@code argv} is not accepted by the component's keys (the
   *     message is the one {@link Kernel#boot} prints), or asks for {@code --help}
   * @throws IllegalStateException if the factory or the application's construction throws (the
   *     cause is kept); a failing {@code start()} is not thrown but is the {@link #outcome()}
   */
  public static <C extends KernelComponent> TestKernel<C> boot(KernelFactory<C> factory, String... argv) {
    return boot(new DeterministicLoop(), factory, argv);
  }

  /** As {@link #boot(KernelFactory, String...)}, on a loop the test made (its clock, its seed). */
  public static <C extends KernelComponent> TestKernel<C> boot(
      DeterministicLoop loop, KernelFactory<C> factory, String... argv) {
    Objects.requireNonNull(factory, "factory");
    BootArguments arguments;
    try {
      arguments = BootArguments.parse(Kernel.bootKeys(factory), argv);
    } catch (BootArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalStateException("the kernel factory failed: " + e, e);
    }
    if (arguments.helpRequested()) {
      throw new IllegalArgumentException("--help does not boot a kernel");
    }
    Lifecycle lifecycle = new Lifecycle();
    C component;
    Application application;
    try {
      component = factory.create(arguments, loop, lifecycle);
      application = component.application(); // off the loop, as Kernel builds it
    } catch (Exception e) {
      lifecycle.close();
      throw new IllegalStateException("the kernel could not build its application: " + e, e);
    }
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        application.start().whenComplete((value, failure) -> {
          if (failure != null) {
            outcome.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
          } else {
            outcome.complete(value);
          }
        });
      } catch (Exception e) {
        outcome.completeExceptionally(e);
      }
    });
    loop.runUntilIdle();
    return new TestKernel<>(loop, lifecycle, arguments, component, application, outcome);
  }

  /** The component: expose what the test needs on it ({@code Kv kv(); EthernetSwitch ethernet();}). */
  public C component() {
    return component;
  }

  /** The application the component built and the kernel started. */
  public Application application() {
    return application;
  }

  /** The loop the kernel runs on, in virtual time. */
  public DeterministicLoop loop() {
    return loop;
  }

  /** The boot arguments, checked. */
  public BootArguments arguments() {
    return arguments;
  }

  /**
   * What {@link Application#start()} returned — done when the application has finished — or a
   * future failed with what {@code start()} threw.
   */
  public CompletableFuture<Object> outcome() {
    return outcome;
  }

  /** Whether the application started and has not finished: what a server should be. */
  public boolean isRunning() {
    return !outcome.isDone();
  }

  /**
   * Why the application failed to start or failed later.
   *
   * @throws IllegalStateException if it has not failed
   */
  public Throwable failure() {
    if (!outcome.isCompletedExceptionally()) {
      throw new IllegalStateException(outcome.isDone() ? "the application finished normally" : "the application is running");
    }
    return outcome.exceptionNow();
  }

  /** Runs the loop until nothing is due now; returns the number of tasks run. */
  public int runUntilIdle() {
    return loop.runUntilIdle();
  }

  /** Advances virtual time by {@code duration}, running everything that falls due. */
  public void advance(Duration duration) {
    loop.advance(duration);
  }

  /** Runs the loop until idle, then closes what the kernel registered with its {@link Lifecycle}. */
  @Override
  public void close() {
    try {
      loop.runUntilIdle();
    } finally {
      lifecycle.close();
    }
  }
}
