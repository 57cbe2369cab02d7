package io.morgana.examples.website.xen;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar static-website-xen.jar --net=tap:NAME --ipv4=A/N --disk=site.img [--port=80]}:
 * the website as a Xen guest on the simulated hypervisor (netfront and blkfront; dom0's netback
 * bridged to the TAP device, its blkback serving the image).
 */
public final class StaticWebsiteXen {

  private StaticWebsiteXen() {}

  public static void main(String[] argv) {
    Kernel.boot("static-website-xen", argv, DaggerXenKernel.factory()::create);
  }
}
