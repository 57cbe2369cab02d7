package io.morgana.examples.hello;

import dagger.Binds;
import dagger.Module;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootKeysModule;

/**
 * The application module of hello, in every target's component: binds the {@link Application}
 * to {@link Hello}. Hello reads no boot argument, so it contributes no boot key; an application
 * with keys of its own contributes them here (see echo's {@code EchoModule}).
 */
@Module(includes = BootKeysModule.class)
public interface HelloModule {

  /** The application. */
  @Binds
  Application application(Hello hello);
}
