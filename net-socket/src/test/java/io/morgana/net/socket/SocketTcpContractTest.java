package io.morgana.net.socket;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.TrackingAllocator;
import io.morgana.testkit.contract.Concurrency;
import io.morgana.testkit.contract.TcpContract;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP contract over the host's loopback: one {@link SocketStack} listening on 127.0.0.1 is
 * both client and server. The host's loopback loses nothing, so the retransmission time-out case
 * is skipped; a connect that gets no answer goes to a host listener whose accept queue is full
 * (Linux drops SYNs to it, {@code LISTENOVERFLOWS}).
 */
class SocketTcpContractTest extends TcpContract {

  private final List<AutoCloseable> hostSockets = new ArrayList<>();

  @Override
  protected Network open() {
    TrackingAllocator alloc = new TrackingAllocator();
    SocketStack stack = new SocketStack(Ipv4Address.LOOPBACK, new DeterministicLoop(), alloc);
    return new Network(stack.tcp(), stack.tcp(), Ipv4Address.LOOPBACK,
        Concurrency.virtualThreads(Duration.ofSeconds(120)), alloc::outstanding, () -> {
          stack.close();
          for (AutoCloseable c : hostSockets) {
            c.close();
          }
          hostSockets.clear();
        });
  }

  /** A host listener with a backlog of one, never accepting, connected to until a SYN goes unanswered. */
  @Override
  protected Endpoint unansweredEndpoint(Network network) throws Exception {
    ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    hostSockets.add(full);
    for (int i = 0; i < 32; i++) {
      Socket s = new Socket();
      hostSockets.add(s);
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 500);
      } catch (SocketTimeoutException e) {
        return new Endpoint(Ipv4Address.LOOPBACK, full.getLocalPort());
      }
    }
    throw new IllegalStateException("the host kept answering SYNs to a listener with a full accept queue");
  }

  /** A port the host just gave out and took back. */
  @Override
  protected int freePort(Network network) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
