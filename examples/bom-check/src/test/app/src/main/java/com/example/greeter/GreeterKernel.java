package com.example.greeter;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.console.stdio.StdioConsoleModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/** The Unix target of the greeter: the console is standard output. */
@Singleton
@Component(modules = StdioConsoleModule.class)
interface GreeterKernel {

  Greeter greeter();

  @Component.Factory
  interface Factory {
    GreeterKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
