package io.morgana.runtime;

/**
 * Builds a kernel's application from what {@link Kernel} provides — usually one line that creates
 * the target's Dagger component, whose {@code @Component.Factory} takes the three with
 * {@code @BindsInstance}:
 *
 * <pre>{@code
 * Kernel.boot("hello", argv, List.of(), (arguments, loop, lifecycle) ->
 *     DaggerUnixKernel.factory().create(arguments, loop, lifecycle).hello());
 * }</pre>
 *
 * @param <A> the application
 */
@FunctionalInterface
public interface KernelFactory<A extends Application> {

  /**
   * Builds the application. Called once, on the loop thread, before {@link Application#start()}.
   *
   * @param arguments the parsed boot arguments (the application's keys and the standard ones)
   * @param loop the kernel loop
   * @param lifecycle where devices register what must be closed at shutdown
   * @throws Exception if a device cannot be opened; the kernel shuts down and exits with 1
   */
  A create(BootArguments arguments, EventLoop loop, Lifecycle lifecycle) throws Exception;
}
