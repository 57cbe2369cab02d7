package ${package};

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Kv;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.fs.fat.FatRamDiskModule;
import io.morgana.net.tcpip.StaticIpv4Module;
import io.morgana.net.tcpip.TcpipStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.SwitchNetifModule;
import jakarta.inject.Singleton;

/** The test target: {@link TapKernel} with an in-memory switch for the TAP device and a FAT RAM disk for the image. */
@Singleton
@Component(modules = {
    ${appClass}Module.class, SwitchNetifModule.class, TcpipStackModule.class, StaticIpv4Module.class,
    FatRamDiskModule.class, FatFsModule.class})
interface SwitchKernel extends KernelComponent {

  EthernetSwitch ethernet();

  Kv kv();

  @Component.Factory
  interface Factory {
    SwitchKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
