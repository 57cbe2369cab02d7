package io.morgana.console.stdio;

import dagger.Binds;
import dagger.Module;
import io.morgana.api.Console;

/**
 * Binds {@link Console} to the process's standard input and output. Needs a {@link
 * io.morgana.runtime.Lifecycle} in the component (bound with {@code @BindsInstance}), with which
 * the console registers to be flushed and closed at shutdown. The console is a {@code @Singleton}:
 * the component must be {@code @Singleton} too.
 */
@Module
public interface StdioConsoleModule {

  /** The standard I/O console. */
  @Binds
  Console console(StdioConsole console);
}
