package io.morgana.examples.website.tap;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar static-website-tap.jar --net=tap:NAME --ipv4=A/N --disk=site.img [--port=80]}:
 * serves the FAT image's files through Morgana's own TCP/IP stack on a TAP device (needs {@code
 * CAP_NET_ADMIN}, or a persistent TAP device owned by the user); prints the URL once serving.
 */
public final class StaticWebsiteTap {

  private StaticWebsiteTap() {}

  public static void main(String[] argv) {
    Kernel.boot("static-website-tap", argv, DaggerTapKernel.factory()::create);
  }
}
