package io.morgana.examples.website.tap;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.mgmt.ManagementModule;
import io.morgana.mgmt.fat.FatManagementModule;
import io.morgana.mgmt.tcpip.TcpipManagementModule;
import io.morgana.block.FileBlockModule;
import io.morgana.examples.website.StaticWebsiteModule;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpModule;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The static website on Morgana's own TCP/IP stack over a TAP device: {@code --net=tap:NAME}
 * ({@link TapNetifModule}), {@code --ipv4=A/N} ({@link StaticIpv4Module}), {@code --port}
 * ({@link TapTargetModule}, default 80), the site on a FAT disk image ({@code --disk=IMAGE}).
 */
@Singleton
@Component(modules = {
    StaticWebsiteModule.class, TapTargetModule.class, TapNetifModule.class, TcpipStackModule.class,
    TcpModule.class, StaticIpv4Module.class, FileBlockModule.class, FatFsModule.class, ManagementModule.class,
    TcpipManagementModule.class, FatManagementModule.class})
public interface TapKernel extends KernelComponent {

  @Component.Factory
  interface Factory {
    TapKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
