package io.morgana.examples.echo;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar echo-xen.jar --net=tap:NAME --ipv4=192.0.2.2/24}: the echo kernel of {@link
 * XenKernel} — Xen netfront on the simulated hypervisor, its netback bridged to the TAP device.
 * The jar differs from {@code echo-tap.jar} only by the component's modules.
 */
public final class EchoXen {

  private EchoXen() {}

  public static void main(String[] argv) {
    Kernel.boot("echo-xen", argv, DaggerXenKernel.factory()::create);
  }
}
