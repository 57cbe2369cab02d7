package ${package};

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.block.FileBlockModule;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.net.tap.TapNetifModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The TAP target: Morgana's TCP/IP stack on a TAP device ({@code --net=tap:NAME},
 * {@code --ipv4=A/N}) and a FAT disk image ({@code --disk=IMAGE}, made with {@code fat mkfs}).
 */
@Singleton
@Component(modules = {
    ${appClass}Module.class, TapNetifModule.class, TcpipStackModule.class, StaticIpv4Module.class,
    FileBlockModule.class, FatFsModule.class})
interface TapKernel extends KernelComponent {

  @Component.Factory
  interface Factory {
    TapKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
