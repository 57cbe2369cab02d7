package io.morgana.examples.echo;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.net.socket.SocketStackModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;

/**
 * The echo kernel over the host's sockets (MirageOS's {@code --unix} target): the same {@link
 * EchoServer} as {@link TapKernel}'s, with {@link SocketStackModule} in place of the TAP device
 * and Morgana's stack. Listens on {@code --listen=ADDRESS} (127.0.0.1 unless given); needs no
 * privileges with ports above 1023 ({@code --port}, {@code --discard-port}, {@code
 * --chargen-port}).
 */
@Singleton
@Component(modules = {EchoModule.class, SocketStackModule.class})
public interface SocketKernel extends KernelComponent {

  /** Builds the kernel from what {@link io.morgana.runtime.Kernel} provides. */
  @Component.Factory
  interface Factory {
    SocketKernel create(
        @BindsInstance BootArguments arguments,
        @BindsInstance EventLoop loop,
        @BindsInstance Lifecycle lifecycle);
  }
}
