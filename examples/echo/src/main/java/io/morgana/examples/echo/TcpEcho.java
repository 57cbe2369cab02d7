package io.morgana.examples.echo;

import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBuf;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP echo service of RFC 862: every byte received on a connection to its port goes back on
 * that connection, until the client closes its side; then the server closes too. One application
 * thread per connection (offloaded from the loop: a virtual thread on the kernel loop, a
 * deterministic one under a test loop), written against {@link Tcp}/{@link Flow} only. A
 * half-close by the client (shutdown of its output) is answered with the echoes still owed, then
 * the server's FIN.
 */
public final class TcpEcho {

  private static final Logger LOG = LoggerFactory.getLogger(TcpEcho.class);

  private final Tcp tcp;
  private final EventLoop loop;
  private final int port;
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  @Inject
  public TcpEcho(Tcp tcp, EventLoop loop, @Named("echo-port") int port) {
    this.tcp = tcp;
    this.loop = loop;
    this.port = port;
  }

  /** Starts accepting on its port; called on the loop, never blocks. */
  public void start() {
    loop.offload(() -> {
      serve();
      return null;
    }).whenComplete((ignored, failure) -> {
      if (failure != null) {
        LOG.error("TCP echo port {} is not served: {}", port, failure.toString());
      }
    });
  }

  private void serve() throws IOException {
    try (Tcp.Listener listener = tcp.listen(port)) {
      while (true) {
        Flow flow = listener.accept();
        connections.incrementAndGet();
        loop.offload(() -> {
          echo(flow);
          return null;
        });
      }
    }
  }

  private void echo(Flow flow) {
    try (flow) {
      ByteBuf b;
      while ((b = flow.read()) != null) {
        bytes.addAndGet(b.readableBytes());
        flow.write(b);
      }
    } catch (IOException e) {
      LOG.debug("echo: {} ended: {}", flow, e.toString());
    }
  }

  /** Connections accepted so far (any thread). */
  public long connections() {
    return connections.get();
  }

  /** Bytes echoed so far (any thread). */
  public long bytes() {
    return bytes.get();
  }
}
