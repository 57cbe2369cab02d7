package io.morgana.examples.guestbook;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar guestbook-tap.jar --net=tap:NAME --ipv4=192.0.2.2/24 --disk=guestbook.img}:
 * the guestbook kernel over a TAP device and a FAT disk image ({@code --help} lists every key).
 */
public final class GuestBookTap {

  private GuestBookTap() {}

  public static void main(String[] argv) {
    Kernel.boot("guestbook-tap", argv, DaggerTapKernel.factory()::create);
  }
}
