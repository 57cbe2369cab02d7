package io.morgana.runtime;

import java.util.Set;

/**
 * What {@link Kernel} needs from a kernel's Dagger component: the boot keys of everything in it,
 * and the application. A target's component extends this interface and lists its modules:
 *
 * <pre>{@code
 * @Singleton
 * @Component(modules = {HelloModule.class, StdioConsoleModule.class})
 * interface UnixKernel extends KernelComponent {
 *   @Component.Factory
 *   interface Factory {
 *     UnixKernel create(@BindsInstance BootArguments arguments,
 *                       @BindsInstance EventLoop loop,
 *                       @BindsInstance Lifecycle lifecycle);
 *   }
 * }
 * }</pre>
 *
 * <p><b>Boot keys travel with their modules.</b> A module that reads boot arguments contributes
 * its keys to the component's {@code Set<BootKey<?>>} itself ({@code @Provides @ElementsIntoSet},
 * see {@link BootKeysModule}); so does the application's own module for the application's keys.
 * A component therefore cannot lack the key of a module it contains: putting the module in the
 * component is what puts its keys in the set. Nothing lists keys a second time, and there is no
 * list to forget.
 *
 * <p>Dagger builds what the component provides lazily, and modules read their boot arguments
 * only when they build something. {@link Kernel} relies on that: it creates the component with
 * arguments not yet checked, reads {@link #bootKeys()} (constants: nothing is opened), checks
 * the command line against them — {@code --help}, an unknown key, a malformed value or a missing
 * required one ends the process there — and only then calls {@link #application()}.
 */
public interface KernelComponent {

  /** Every boot key of every module of the component (the standard keys are {@link Kernel}'s). */
  Set<BootKey<?>> bootKeys();

  /** The application, built with everything it needs (devices are opened here). */
  Application application();
}
