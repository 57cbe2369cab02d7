package io.morgana.examples.guestbook;

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
 * The guestbook over a TAP device ({@code --net=tap:NAME}, {@code --ipv4=A/N}) with its entries on
 * a FAT disk image ({@code --disk=IMAGE}, formatted with {@code fat mkfs}): network, stack, disk,
 * file system and application, each a module that brings its own boot keys.
 */
@Singleton
@Component(modules = {
    GuestBookModule.class, TapNetifModule.class, TcpipStackModule.class, StaticIpv4Module.class,
    FileBlockModule.class, FatFsModule.class})
public interface TapKernel extends KernelComponent {

  @Component.Factory
  interface Factory {
    TapKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
