package ${package};

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.block.FileBlockModule;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.net.socket.SocketStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The socket target: the same application over the host's sockets ({@code --listen=ADDRESS},
 * 127.0.0.1 unless given) instead of a TAP device and Morgana's stack, with the same FAT disk image
 * ({@code --disk=IMAGE}). Needs no root: a development kernel.
 */
@Singleton
@Component(modules = {${appClass}Module.class, SocketStackModule.class, FileBlockModule.class, FatFsModule.class})
interface SocketKernel extends KernelComponent {

  @Component.Factory
  interface Factory {
    SocketKernel create(
        @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
  }
}
