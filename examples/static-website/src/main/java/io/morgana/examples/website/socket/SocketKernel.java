package io.morgana.examples.website.socket;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.mgmt.ManagementModule;
import io.morgana.mgmt.fat.FatManagementModule;
import io.morgana.block.FileBlockModule;
import io.morgana.examples.website.StaticWebsiteModule;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.net.socket.SocketStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The static website on host sockets: {@code --listen=ADDRESS} ({@link SocketStackModule},
 * default 127.0.0.1), {@code --port} ({@link SocketTargetModule}, default 8080), the site on a
 * FAT disk image ({@code --disk=IMAGE}: {@link FileBlockModule}, {@link FatFsModule}).
 */
@Singleton
@Component(modules = {
    StaticWebsiteModule.class, SocketTargetModule.class, SocketStackModule.class,
    FileBlockModule.class, FatFsModule.class, ManagementModule.class, FatManagementModule.class})
public interface SocketKernel extends KernelComponent {

  @Component.Factory
  interface Factory {
    SocketKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
