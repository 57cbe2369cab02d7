package io.morgana.examples.website.appliance;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.block.FileBlockModule;
import io.morgana.examples.website.StaticWebsiteModule;
import io.morgana.examples.website.appliance.target.ApplianceTargetModule;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.mgmt.ManagementModule;
import io.morgana.mgmt.fat.FatManagementModule;
import io.morgana.mgmt.tcpip.TcpipManagementModule;
import io.morgana.net.dhcp.Ipv4ConfigModule;
import io.morgana.net.packet.PacketNetifModule;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The static website on Morgana's own TCP/IP stack over an interface it owns through an {@code
 * AF_PACKET} socket: {@code --net=packet:IFACE} ({@link PacketNetifModule}), {@code --ipv4=A/N} or
 * {@code --dhcp} ({@link Ipv4ConfigModule}), {@code --port} (default 80), the site on a FAT disk
 * ({@code --disk=DEVICE-OR-IMAGE}). In the appliance the interface is the VM's virtio NIC and the
 * disk {@code /dev/vda}.
 */
@Singleton
@Component(modules = {
    StaticWebsiteModule.class, ApplianceTargetModule.class, PacketNetifModule.class, TcpipStackModule.class,
    TcpModule.class, Ipv4ConfigModule.class, FileBlockModule.class, FatFsModule.class, ManagementModule.class,
    TcpipManagementModule.class, FatManagementModule.class})
public interface PacketKernel extends KernelComponent {

  /** Builds the kernel from what {@link io.morgana.runtime.Kernel} provides. */
  @Component.Factory
  interface Factory {
    PacketKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
