package io.morgana.examples.hello;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar hello-xen.jar}: boots {@link Hello} as a Xen guest through {@link XenKernel},
 * whose console is the Xen PV console ring of a guest of the simulated hypervisor; a Java console
 * backend in dom0 prints what reaches the ring to standard output.
 */
public final class HelloXen {

  private HelloXen() {}

  /** Boots the kernel; exits 0 after the eighth line, 2 on bad arguments. */
  public static void main(String[] argv) {
    Kernel.boot("hello-xen", argv, DaggerXenKernel.factory()::create);
  }
}
