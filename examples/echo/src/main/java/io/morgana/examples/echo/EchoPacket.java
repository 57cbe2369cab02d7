package io.morgana.examples.echo;

import io.morgana.runtime.Kernel;

/**
 * {@code java -jar echo-packet.jar --net=packet:IFACE --ipv4=192.0.2.2/24}: boots the echo kernel
 * of {@link PacketKernel} on the interface IFACE, which it owns through an {@code AF_PACKET}
 * socket. Needs {@code CAP_NET_RAW}; the host brings IFACE up and configures no address on it
 * (Morgana refuses an interface with a host IPv4 address: one message, exit status 1).
 */
public final class EchoPacket {

  private EchoPacket() {}

  public static void main(String[] argv) {
    Kernel.boot("echo-packet", argv, DaggerPacketKernel.factory()::create);
  }
}
