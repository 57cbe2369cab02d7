package io.morgana.runtime;

/**
 * Creates a kernel's Dagger component from what {@link Kernel} provides — the {@code create}
 * method of the target's {@code @Component.Factory}, which takes the three with {@code
 * @BindsInstance}:
 *
 * <pre>{@code
 * Kernel.boot("hello", argv, DaggerUnixKernel.factory()::create);
 * }</pre>
 *
 * Creating the component builds nothing yet (Dagger is lazy); {@link Kernel} reads its {@link
 * KernelComponent#bootKeys() boot keys}, checks the command line, and only then asks for the
 * {@link KernelComponent#application() application}.
 *
 * @param <C> the component
 */
@FunctionalInterface
public interface KernelFactory<C extends KernelComponent> {

  /**
   * Creates the component. Called once, before the command line is checked: nothing may read
   * {@code arguments} yet.
   *
   * @param arguments the boot arguments, checked against the component's keys (and the standard
   *     ones) before the application is requested
   * @param loop the kernel loop
   * @param lifecycle where devices register what must be closed at shutdown
   * @throws Exception if the component cannot be created; the kernel exits with 1
   */
  C create(BootArguments arguments, EventLoop loop, Lifecycle lifecycle) throws Exception;
}
