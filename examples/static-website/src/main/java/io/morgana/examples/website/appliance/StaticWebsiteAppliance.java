package io.morgana.examples.website.appliance;

import io.morgana.appliance.Init;

/**
 * The appliance's {@code /init} program (started by the image's static launcher, see {@code
 * appliance/init.c}): prepares the VM, then serves the site of {@code morgana.disk=} (the virtio
 * disk) on the virtio NIC with a DHCP lease, and powers off when the kernel ends.
 */
public final class StaticWebsiteAppliance {

  private StaticWebsiteAppliance() {}

  public static void main(String[] argv) {
    Init.boot("static-website", DaggerPacketKernel.factory()::create);
  }
}
