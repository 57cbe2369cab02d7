package io.morgana.examples.dhcpserver;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar dhcp-server-tap.jar --net=tap:NAME --ipv4=192.0.2.1/24
 * --dhcp-range=192.0.2.100-192.0.2.200 --lease-db=FILE}: a DHCP server over a TAP device.
 */
public final class DhcpServerTap {

  private DhcpServerTap() {}

  public static void main(String[] argv) {
    Kernel.boot("dhcp-server-tap", argv, DaggerTapKernel.factory()::create);
  }
}
