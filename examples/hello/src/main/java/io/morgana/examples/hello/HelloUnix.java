package io.morgana.examples.hello;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar hello-unix.jar}: boots {@link Hello} as a Unix process through {@link
 * UnixKernel}. Standard output gets the eight lines; logs go to standard error.
 */
public final class HelloUnix {

  private HelloUnix() {}

  /** Boots the kernel; exits 0 after the eighth line, 2 on bad arguments. */
  public static void main(String[] argv) {
    Kernel.boot("hello", argv, DaggerUnixKernel.factory()::create);
  }
}
