package io.morgana.examples.hello;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.console.stdio.StdioConsoleModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/** Hello as a Unix process: the console is standard input and output. */
@Singleton
@Component(modules = {HelloModule.class, StdioConsoleModule.class})
interface UnixKernel extends KernelComponent {

  /** What {@link io.morgana.runtime.Kernel} provides. */
  @Component.Factory
  interface Factory {
    UnixKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
