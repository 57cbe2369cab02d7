package io.morgana.examples.website.appliance;

import io.morgana.runtime.Kernel;

/**
 * The appliance's kernel without {@code /init}: {@code java -cp static-website-appliance.jar
 * io.morgana.examples.website.appliance.StaticWebsitePacket --net=packet:IFACE --ipv4=A/N|--dhcp
 * --disk=site.img [--port=80]} serves the site on an interface of this machine that has no address
 * (needs {@code CAP_NET_RAW}). {@code appliance/aot-train} runs it on a veth pair in a namespace to
 * train the image's AOT cache on the same classes the VM loads.
 */
public final class StaticWebsitePacket {

  private StaticWebsitePacket() {}

  public static void main(String[] argv) {
    Kernel.boot("static-website", argv, DaggerPacketKernel.factory()::create);
  }
}
