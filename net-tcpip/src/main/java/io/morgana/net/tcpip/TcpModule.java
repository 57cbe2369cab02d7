package io.morgana.net.tcpip;

import dagger.Module;
import dagger.Provides;
import io.morgana.api.Tcp;

/**
 * Binds {@link Tcp} to the TCP of the component's {@link TcpipStack} ({@link
 * io.morgana.net.tcpip.tcp.TcpService} over {@link io.morgana.net.tcpip.tcp.TcpLayer}). List it
 * next to {@link TcpipStackModule}.
 */
@Module
public abstract class TcpModule {

  private TcpModule() {}

  @Provides
  static Tcp tcp(TcpipStack stack) {
    return stack.tcp();
  }
}
