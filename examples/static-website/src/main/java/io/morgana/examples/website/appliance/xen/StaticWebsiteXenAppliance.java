package io.morgana.examples.website.appliance.xen;

import io.morgana.appliance.Init;

/**
 * The Xen appliance's {@code /init} program (started by the image's static launcher, {@code
 * appliance/init.c}), booted with {@code morgana.target=xen} on the command line: loads {@code
 * xen-evtchn} and {@code xen-gntalloc}, then serves the site of the vbd {@code xvda} on the vif with
 * a DHCP lease, and powers the guest off when the kernel ends. {@code appliance/build
 * static-website --target=xen} makes the image and its {@code xl} configuration.
 */
public final class StaticWebsiteXenAppliance {

  private StaticWebsiteXenAppliance() {}

  public static void main(String[] argv) {
    Init.boot("static-website", DaggerXenApplianceKernel.factory()::create);
  }
}
