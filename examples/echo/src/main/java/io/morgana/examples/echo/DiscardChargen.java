package io.morgana.examples.echo;

import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two more of the simple TCP services, for throughput in each direction: discard (RFC 863, port
 * {@value #DISCARD_PORT} unless {@code --discard-port} says otherwise) reads and throws away everything until the client closes; chargen (RFC
 * 864, port {@value #CHARGEN_PORT} or {@code --chargen-port}) sends the RFC's rotating 72-character lines of printable ASCII
 * until the client goes away (a reset, or a write after the connection ended). One application
 * thread per connection, offloaded from the loop, as {@link TcpEcho}.
 */
public final class DiscardChargen {

  public static final int DISCARD_PORT = 9;
  public static final int CHARGEN_PORT = 19;
  private static final Logger LOG = LoggerFactory.getLogger(DiscardChargen.class);
  /** 95 lines of 72 characters and CR LF: one full rotation of RFC 864's pattern. */
  static final byte[] PATTERN = pattern();

  private final Tcp tcp;
  private final EventLoop loop;
  private final int discardPort;
  private final int chargenPort;
  private final AtomicLong discarded = new AtomicLong();
  private final AtomicLong generated = new AtomicLong();

  /** Discard on port {@value #DISCARD_PORT}, chargen on {@value #CHARGEN_PORT}. */
  public DiscardChargen(Tcp tcp, EventLoop loop) {
    this(tcp, loop, DISCARD_PORT, CHARGEN_PORT);
  }

  @Inject
  public DiscardChargen(Tcp tcp, EventLoop loop, @Named("discard-port") int discardPort,
      @Named("chargen-port") int chargenPort) {
    this.tcp = tcp;
    this.loop = loop;
    this.discardPort = discardPort;
    this.chargenPort = chargenPort;
  }

  static byte[] pattern() {
    StringBuilder b = new StringBuilder();
    for (int line = 0; line < 95; line++) {
      for (int i = 0; i < 72; i++) {
        b.append((char) (32 + (line + i) % 95));
      }
      b.append("\r\n");
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Starts both services; called on the loop, never blocks. */
  public void start() {
    serve(discardPort, this::discard);
    serve(chargenPort, this::chargen);
  }

  private interface Service {
    void run(Flow flow) throws IOException;
  }

  private void serve(int port, Service service) {
    loop.offload(() -> {
      try (Tcp.Listener listener = tcp.listen(port)) {
        while (true) {
          Flow flow = listener.accept();
          loop.offload(() -> {
            try (flow) {
              service.run(flow);
            } catch (IOException e) {
              LOG.debug("{} on port {} ended: {}", flow, port, e.toString());
            }
            return null;
          });
        }
      }
    }).whenComplete((ignored, failure) -> {
      if (failure != null) {
        LOG.error("TCP port {} is not served: {}", port, failure.toString());
      }
    });
  }

  private void discard(Flow flow) throws IOException {
    ByteBuf b;
    while ((b = flow.read()) != null) {
      discarded.addAndGet(b.readableBytes());
      b.release();
    }
  }

  private void chargen(Flow flow) throws IOException {
    while (true) {
      flow.write(Unpooled.wrappedBuffer(PATTERN));
      generated.addAndGet(PATTERN.length);
    }
  }

  /** Bytes discarded so far (any thread). */
  public long discarded() {
    return discarded.get();
  }

  /** Bytes generated so far (any thread). */
  public long generated() {
    return generated.get();
  }
}
