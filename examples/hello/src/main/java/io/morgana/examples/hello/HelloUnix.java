package io.morgana.examples.hello;

import io.morgana.runtime.Kernel;
import java.util.List;

/**
 * {@code java -jar hello-unix.jar}: boots {@link Hello} as a Unix process through {@link
 * UnixKernel}. Standard output gets the eight lines; logs go to standard error.
 */
public final class HelloUnix {

  private HelloUnix() {}

  /** Boots the kernel; exits 0 after the eighth line, 2 on bad arguments. */
  public static void main(String[] argv) {
    Kernel.boot(
        "hello",
        argv,
        List.of(),
        (arguments, loop, lifecycle) -> DaggerUnixKernel.factory().create(arguments, loop, lifecycle).hello());
  }
}
