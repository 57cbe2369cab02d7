package io.morgana.sim;

import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;

/**
 * Builds a kernel's component for a {@link Simulation}: a {@code @Component.Factory} whose
 * {@code create} takes the usual boot arguments, loop and lifecycle, and the {@link SimHost}
 * ({@code DaggerNotesSim.factory()::create}).
 *
 * @param <C> the component
 */
@FunctionalInterface
public interface SimKernelFactory<C extends KernelComponent> {

  C create(BootArguments arguments, EventLoop loop, Lifecycle lifecycle, SimHost host) throws Exception;
}
