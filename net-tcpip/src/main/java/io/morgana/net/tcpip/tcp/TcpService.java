package io.morgana.net.tcpip.tcp;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowOption;
import io.morgana.api.Tcp;
import io.morgana.runtime.LoopBridge;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The blocking {@link Tcp} and {@link Flow} over a {@link TcpLayer}: every call crosses to the
 * loop once through {@link LoopBridge#call} (failing at once when made on a loop thread) and
 * parks the calling (virtual) thread until the loop completes it — except a write that the send
 * buffer is bound to hold and the stack's send budget has room for ({@link SendBudget}), which
 * is handed to the loop ({@link LoopBridge#write}) without waiting (write-behind): a thread
 * writing a stream then crosses to the loop once per write instead of twice (there and back),
 * and its writes queue up while the loop is busy sending. Outcomes:
 *
 * <ul>
 *   <li>{@link Flow#read()} returns everything received so far in one buffer; {@code null} is end
 *       of stream (the peer's FIN, after all data before it); a reset throws {@link
 *       java.net.SocketException} ("Connection reset by …"); retransmissions given up throw
 *       {@link java.net.SocketTimeoutException}. Data received before a reset or timeout is
 *       returned first.
 *   <li>{@link Flow#write} returns once all its bytes are in the send buffer or on their way
 *       to it within its size (back-pressure while it is full); after a reset or timeout it
 *       throws as read does — a write handed over just before the reset is dropped and the
 *       next write throws.
 *   <li>{@link Tcp#connect} throws {@link java.net.ConnectException} when refused (RST, ICMP
 *       unreachable) or when the timeout passes.
 *   <li>{@link Tcp.Listener#accept} takes a connection whose handshake completed while no accept
 *       waited without crossing to the loop (accept-ahead: {@link TcpLayer.Listener#tryAccept}),
 *       which frees its place in the backlog at once; only an accept that finds none crosses and
 *       waits. Connections are accepted in the order their handshakes completed.
 *   <li>{@link Flow#close()} returns at once: the FIN follows the queued data; data arriving
 *       later is acknowledged and discarded. {@link Flow#abort()} sends a RST.
 *   <li>{@link Flow#set} honours every {@link FlowOption} on the connection's loop: {@code
 *       NO_DELAY} (Nagle off), {@code KEEP_ALIVE} and {@code USER_TIMEOUT}, each ending the
 *       connection with a {@link java.net.SocketTimeoutException} when it fires; on a flow closed
 *       or ended it throws the error the flow's other calls throw.
 * </ul>
 */
public final class TcpService implements Tcp {

  private final LoopBridge bridge;
  private final TcpLayer layer;

  public TcpService(LoopBridge bridge, TcpLayer layer) {
    this.bridge = bridge;
    this.layer = layer;
  }

  /** The layer underneath. */
  public TcpLayer layer() {
    return layer;
  }

  @Override
  public Listener listen(int port) throws IOException {
    TcpLayer.Listener l = bridge.call("Tcp.listen", (CompletableFuture<TcpLayer.Listener> f) -> {
      try {
        f.complete(layer.listen(port));
      } catch (IOException e) {
        f.completeExceptionally(e);
      }
    });
    return new Listener() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public Flow accept() throws IOException {
        LoopBridge.checkBlockingAllowed("Tcp.Listener.accept");
        TcpConnection c = l.tryAccept(); // accept-ahead: one already established needs no crossing
        if (c == null) {
          c = bridge.call("Tcp.Listener.accept", l::accept);
        }
        return flow(c);
      }

      @Override
      public void close() {
        bridge.post(l::close);
      }
    };
  }

  @Override
  public Flow connect(Endpoint remote, Duration timeout) throws IOException {
    long nanos = timeout == null ? Long.MAX_VALUE : Math.max(1, timeout.toNanos());
    TcpConnection c = bridge.call("Tcp.connect", (CompletableFuture<TcpConnection> f) ->
        layer.connect(remote, nanos, f, bridge.loop().nowNanos()));
    return flow(c);
  }

  private Flow flow(TcpConnection c) {
    return new TcpFlow(bridge, c, layer.sendBudget(), c.localEndpoint(), c.remoteEndpoint());
  }

  /** One connection as a {@link Flow}. */
  static final class TcpFlow implements Flow {
    /** A write-behind on the loop (a field: the bridge allocates nothing more on the loop). */
    private static final LoopBridge.LoopWrite<TcpConnection, ByteBuf> WRITE_BEHIND = (c, unused, data, now) -> {
      c.writeBehind(data, now);
      return true;
    };

    private final LoopBridge bridge;
    private final TcpConnection c;
    private final SendBudget budget;
    private final Endpoint local;
    private final Endpoint remote;
    /** Bytes written through this flow in all, compared with {@link TcpConnection#writeLimit}. */
    private final AtomicLong written = new AtomicLong();
    /** Set once the application shut down or closed our side: later writes wait for the loop's refusal. */
    private volatile boolean outputClosed;

    TcpFlow(LoopBridge bridge, TcpConnection c, SendBudget budget, Endpoint local, Endpoint remote) {
      this.bridge = bridge;
      this.c = c;
      this.budget = budget;
      this.local = local;
      this.remote = remote;
    }

    @Override
    public Endpoint localEndpoint() {
      return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
      return remote;
    }

    @Override
    public ByteBuf read() throws IOException {
      return bridge.call("Flow.read", (CompletableFuture<ByteBuf> f) -> c.read(f, bridge.loop().nowNanos()));
    }

    @Override
    public void write(ByteBuf data) throws IOException {
      try {
        LoopBridge.checkBlockingAllowed("Flow.write");
      } catch (IllegalStateException e) {
        data.release();
        throw e;
      }
      if (writeBehind(data.readableBytes())) {
        bridge.write(WRITE_BEHIND, c, 0, data);
        return;
      }
      bridge.<Void>call("Flow.write", f -> c.write(data, f, bridge.loop().nowNanos()));
    }

    /**
     * Counts {@code n} more bytes written and says whether they may go without waiting: when
     * everything written so far fits under the connection's {@link TcpConnection#writeLimit}, the
     * send queue has room for it by the time the loop takes it; and the stack's {@link
     * SendBudget} must take them at once (charged here, strictly within the budget and never
     * ahead of a write waiting for it), or the write waits for the loop as any other.
     */
    private boolean writeBehind(int n) {
      boolean allowed = !outputClosed && !c.writesMustWait;
      while (true) {
        long before = written.get();
        boolean fits = allowed && before + n <= c.writeLimit;
        if (written.compareAndSet(before, before + n)) {
          return fits && budget.tryReserve(n);
        }
      }
    }

    @Override
    public void shutdownOutput() throws IOException {
      outputClosed = true;
      bridge.<Void>call("Flow.shutdownOutput", f -> {
        c.shutdownOutput(bridge.loop().nowNanos());
        f.complete(null);
      });
    }

    @Override
    public void close() throws IOException {
      outputClosed = true;
      bridge.<Void>call("Flow.close", f -> {
        c.close(bridge.loop().nowNanos());
        f.complete(null);
      });
    }

    @Override
    public void abort() {
      outputClosed = true;
      bridge.post(now -> c.abort(now));
    }

    @Override
    public <T> void set(FlowOption<T> option, T value) throws IOException {
      T v = option.check(value);
      bridge.<Void>call("Flow.set", f -> {
        IOException e = c.option(option, v, bridge.loop().nowNanos());
        if (e != null) {
          f.completeExceptionally(e);
        } else {
          f.complete(null);
        }
      });
    }

    @Override
    public String toString() {
      return "Flow[" + local + " -> " + remote + "]";
    }
  }
}
