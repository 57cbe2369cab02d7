package io.morgana.benchmarks.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A UDP echo server on a Linux kernel socket, the peer Morgana's echo is compared with: one
 * thread, one blocking {@link DatagramChannel}, each datagram sent back to its sender.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.morgana.benchmarks.net.KernelUdpEcho [PORT]}
 * (default 7). Runs until killed.
 */
public final class KernelUdpEcho {

  private KernelUdpEcho() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.bind(new InetSocketAddress(port));
      ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
      System.out.println("kernel UDP echo listening on port " + port);
      while (true) {
        buffer.clear();
        SocketAddress from = channel.receive(buffer);
        buffer.flip();
        channel.send(buffer, from);
      }
    }
  }
}
