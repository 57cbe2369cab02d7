package io.morgana.examples.echo;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar echo-tap.jar --net=tap:NAME --ipv4=192.0.2.2/24}: boots the echo kernel over a
 * TAP device through {@link Kernel} ({@code --help} lists every key: each module of {@link
 * TapKernel} contributes its own). Needs {@code CAP_NET_ADMIN} to create the device (or a
 * persistent TAP owned by the user); without it, or without {@code /dev/net/tun}, it prints one
 * message naming the device and exits with status 1.
 *
 * <p>The host side of the TAP device is the host's to configure: {@code ip addr add
 * 192.0.2.1/24 dev NAME; ip link set NAME up}.
 */
public final class EchoTap {

  private EchoTap() {}

  public static void main(String[] argv) {
    Kernel.boot("echo-tap", argv, DaggerTapKernel.factory()::create);
  }
}
