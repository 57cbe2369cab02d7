package io.morgana.examples.website.appliance.xen;

import dagger.Module;
import io.morgana.examples.website.StaticWebsiteModule;
import io.morgana.examples.website.appliance.target.ApplianceTargetModule;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.mgmt.ManagementModule;
import io.morgana.mgmt.fat.FatManagementModule;
import io.morgana.mgmt.tcpip.TcpipManagementModule;
import io.morgana.net.dhcp.Ipv4ConfigModule;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.xen.blkfront.XenBlkfrontModule;
import io.morgana.xen.netfront.XenNetfrontModule;

/**
 * Everything of the Xen appliance but the platform: the website ({@code --port}, default 80) on
 * Morgana's TCP/IP stack over a netfront ({@code --xen-vif}, default {@code device/vif/0}), its
 * address from {@code --dhcp} or {@code --ipv4=A/N} ({@link Ipv4ConfigModule}), the site on the
 * FAT file system of a blkfront ({@code --xen-vbd}, default 51712: {@code xvda}), management as in
 * the QEMU appliance. {@link XenApplianceKernel} adds the devices of a Linux Xen guest; a test adds
 * the simulated hypervisor and its dom0 instead.
 */
@Module(includes = {
    StaticWebsiteModule.class, ApplianceTargetModule.class, XenNetfrontModule.class, TcpipStackModule.class,
    TcpModule.class, Ipv4ConfigModule.class, XenBlkfrontModule.class, FatFsModule.class, ManagementModule.class,
    TcpipManagementModule.class, FatManagementModule.class})
public final class XenApplianceModule {

  private XenApplianceModule() {}
}
