package ${package};

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.blkfront.XenBlkfrontModule;
import io.morgana.xen.linux.LinuxXenPlatformModule;
import io.morgana.xen.netfront.XenNetfrontModule;
import jakarta.inject.Singleton;

/**
 * The Xen target: the same application and stack in a Linux Xen guest, Morgana's netfront on the
 * guest's vif ({@code --xen-vif}, {@code --ipv4=A/N}) and blkfront on its vbd ({@code --xen-vbd},
 * the FAT disk), through {@code /dev/xen} ({@link LinuxXenPlatformModule}). Outside a Xen guest it
 * says so in one line and exits 1.
 */
@Singleton
@Component(modules = {
    ${appClass}Module.class, XenNetfrontModule.class, TcpipStackModule.class, StaticIpv4Module.class,
    XenBlkfrontModule.class, FatFsModule.class, LinuxXenPlatformModule.class})
interface XenKernel extends KernelComponent {

  @Component.Factory
  interface Factory {
    XenKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
