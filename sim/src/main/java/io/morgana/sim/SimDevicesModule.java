package io.morgana.sim;

import dagger.Module;
import dagger.Provides;
import io.morgana.api.Block;
import io.morgana.api.Netif;
import io.morgana.runtime.BootKeysModule;
import java.time.Clock;

/**
 * Binds a simulated kernel's devices from its {@link SimHost}: {@link Netif} (its cable to a
 * {@link Network}), {@link Block} (its {@link SimDisk}) and {@link Clock} (a wall clock on the
 * kernel's virtual time, which FAT timestamps and DHCP lease files use). A simulation component
 * lists it where its TAP target lists {@code TapNetifModule} and {@code FileBlockModule}; it reads
 * no boot arguments (and includes {@link BootKeysModule}, so a component of it alone has its keys):
 *
 * <pre>{@code
 * @Singleton
 * @Component(modules = {SimDevicesModule.class, TcpipStackModule.class, TcpModule.class,
 *     StaticIpv4Module.class, NotesModule.class})
 * interface NotesSim extends KernelComponent {
 *   @Component.Factory
 *   interface Factory {
 *     NotesSim create(@BindsInstance BootArguments args, @BindsInstance EventLoop loop,
 *         @BindsInstance Lifecycle lifecycle, @BindsInstance SimHost host);
 *   }
 * }
 * }</pre>
 */
@Module(includes = BootKeysModule.class)
public final class SimDevicesModule {

  private SimDevicesModule() {}

  @Provides
  static Netif netif(SimHost host) {
    return host.netif();
  }

  @Provides
  static Block disk(SimHost host) {
    return host.disk();
  }

  @Provides
  static Clock wallClock(SimHost host) {
    return host.wallClock();
  }
}
