package io.morgana.net.socket;

import io.morgana.api.Ipv4Address;
import io.morgana.runtime.KernelLoop;
import io.morgana.testkit.TrackingAllocator;
import io.morgana.testkit.contract.LoopDriver;
import io.morgana.testkit.contract.UdpContract;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;

/**
 * The UDP contract over the host's loopback: one {@link SocketStack} on 127.0.0.1, on a running
 * {@link KernelLoop}, is both ends. At the end the loop stops first, then the stack closes (the
 * kernel's shutdown order), and every buffer its receivers allocated must have been released.
 */
class SocketUdpContractTest extends UdpContract {

  @Override
  protected Network open() {
    KernelLoop loop = new KernelLoop("socket-udp-contract");
    loop.start();
    TrackingAllocator alloc = new TrackingAllocator();
    SocketStack stack = new SocketStack(Ipv4Address.LOOPBACK, loop, alloc);
    return new Network(stack.udp(), Ipv4Address.LOOPBACK, stack.udp(), Ipv4Address.LOOPBACK,
        LoopDriver.threaded(loop), alloc::outstanding, () -> {
          loop.close();
          stack.close();
        });
  }

  /** A port the host just gave out and took back. */
  @Override
  protected int freePort(Network network) throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
