package io.morgana.examples.echo;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar echo-socket.jar [--listen=127.0.0.1] [--port=7] [--discard-port=9]
 * [--chargen-port=19]}: boots the echo kernel over the host's sockets ({@link SocketKernel}).
 * No TAP device, no root: ports below 1024 need {@code CAP_NET_BIND_SERVICE}, so without it give
 * higher ones. The jar carries no TAP, Xen or Morgana TCP/IP classes.
 */
public final class EchoSocket {

  private EchoSocket() {}

  public static void main(String[] argv) {
    Kernel.boot("echo-socket", argv, DaggerSocketKernel.factory()::create);
  }
}
