package io.morgana.runtime;

import java.util.concurrent.CompletionStage;

/**
 * A kernel's application: what {@link KernelFactory} builds and {@link Kernel} starts. It takes
 * api interfaces and an {@link EventLoop} in its constructor and names no implementation, so the
 * same class runs in a process over real devices and in a test over a {@link DeterministicLoop}.
 */
@FunctionalInterface
public interface Application {

  /**
   * Starts the application; {@link Kernel} calls it once, on the loop thread. It must not block:
   * it schedules work on the loop or starts its own (virtual) threads.
   *
   * @return a stage that completes when the application has finished — the kernel then shuts
   *     down and the process exits with status 0, or 1 if the stage completed exceptionally. An
   *     application that serves until it is stopped returns a stage that never completes.
   * @throws Exception if it cannot start; the kernel shuts down and exits with status 1
   */
  CompletionStage<?> start() throws Exception;
}
