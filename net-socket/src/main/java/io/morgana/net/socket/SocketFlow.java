package io.morgana.net.socket;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowOption;
import io.morgana.runtime.LoopBridge;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One host TCP connection (a blocking {@link SocketChannel}) as a {@link Flow}, with the outcomes
 * of net-tcpip's {@code TcpService}:
 *
 * <ul>
 *   <li>{@link #read()} returns what the host has received, in a pooled direct buffer the caller
 *       owns; {@code null} at end of stream (and on every later call); a reset throws {@link
 *       SocketException} "Connection reset by …", a connection the host gave up throws {@link
 *       java.net.SocketTimeoutException} — every later read or write throws the same kind again.
 *   <li>{@link #write} takes ownership of its buffer also when it throws, and returns once the host
 *       has taken every byte into its send buffer (the host's back-pressure).
 *   <li>{@link #shutdownOutput()} sends FIN after the queued data (RFC 9293 §3.6 half-close).
 *   <li>{@link #close()} returns at once and is idempotent: FIN follows the queued data, and a
 *       background reader consumes and discards whatever the peer still sends until its FIN (or 60
 *       s, Linux's {@code tcp_fin_timeout}), because the host answers a close with unread data by
 *       a reset (RFC 2525 §2.17) where net-tcpip acknowledges and discards.
 *   <li>{@link #abort()} sets {@code SO_LINGER} to 0 and closes: the host sends RST.
 *   <li>{@link #set}: {@code NO_DELAY} is {@code TCP_NODELAY}; {@code KEEP_ALIVE} is {@code
 *       SO_KEEPALIVE} with {@code jdk.net.ExtendedSocketOptions}' {@code TCP_KEEPIDLE}, {@code
 *       TCP_KEEPINTERVAL} and {@code TCP_KEEPCOUNT}, in whole seconds (rounded up, as the host
 *       counts them), or {@link UnsupportedOperationException} where the JDK lacks those three
 *       on this platform. {@code USER_TIMEOUT} always throws {@link
 *       UnsupportedOperationException}: the JDK has no option for Linux's {@code
 *       TCP_USER_TIMEOUT}, so the host's retransmission limit ({@code tcp_retries2}) decides.
 * </ul>
 *
 * <p>One thread may read while another writes. Every blocking call fails at once on a kernel loop
 * thread ({@link LoopBridge#checkBlockingAllowed}).
 */
final class SocketFlow implements Flow {

  /** Capacity of the buffer one {@link #read()} fills. */
  static final int READ_CAPACITY = 32 * 1024;

  /** How long a closed flow keeps discarding what its peer sends before it lets go, in ms. */
  static final int CLOSE_LINGER_MILLIS = 60_000;

  private static final int OPEN = 0;
  private static final int CLOSED = 1;
  private static final int ABORTED = 2;

  private final SocketChannel channel;
  private final ByteBufAllocator alloc;
  private final Endpoint local;
  private final Endpoint remote;
  private final SocketStack stack;
  private final AtomicInteger state = new AtomicInteger(OPEN);
  private volatile boolean outputShut;
  private volatile boolean endOfStream;
  /** The reset or timeout that ended the connection, thrown again by later calls. */
  private volatile IOException failure;

  SocketFlow(SocketChannel channel, ByteBufAllocator alloc, SocketStack stack) throws IOException {
    this.channel = channel;
    this.alloc = alloc;
    this.stack = stack;
    this.local = SocketAddresses.endpoint(channel.getLocalAddress());
    this.remote = SocketAddresses.endpoint(channel.getRemoteAddress());
    channel.setOption(StandardSocketOptions.TCP_NODELAY, false);
  }

  /**
   * A flow whose connection the peer reset before {@code connect} returned: the handshake was
   * completed (a reset answering the SYN is a refusal, {@code ECONNREFUSED}), so, as over
   * net-tcpip, the application gets the flow and its first read or write throws the reset. The
   * host closed the socket without telling its local address: the local endpoint is {@code
   * 0.0.0.0:0}.
   */
  static SocketFlow resetDuringConnect(SocketChannel closed, Endpoint remote, IOException reset,
      ByteBufAllocator alloc, SocketStack stack) {
    return new SocketFlow(closed, remote, reset, alloc, stack);
  }

  private SocketFlow(SocketChannel closed, Endpoint remote, IOException reset, ByteBufAllocator alloc,
      SocketStack stack) {
    this.channel = closed;
    this.alloc = alloc;
    this.stack = stack;
    this.local = new Endpoint(io.morgana.api.Ipv4Address.ANY, 0);
    this.remote = remote;
    this.failure = SocketErrors.flowFailure(reset, remote, false);
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
    LoopBridge.checkBlockingAllowed("Flow.read");
    checkUsable();
    if (endOfStream) {
      return null;
    }
    ByteBuf buf = alloc.directBuffer(READ_CAPACITY);
    try {
      ByteBuffer target = buf.nioBuffer(0, buf.capacity());
      int n = channel.read(target);
      checkUsable();
      if (n < 0) {
        endOfStream = true;
        buf.release();
        return null;
      }
      buf.writerIndex(n);
      return buf;
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw fail(e);
    }
  }

  @Override
  public void write(ByteBuf data) throws IOException {
    try {
      LoopBridge.checkBlockingAllowed("Flow.write");
      checkUsable();
      if (outputShut) {
        throw new SocketException("output of this flow was shut down");
      }
      ByteBuffer[] parts = data.nioBuffers();
      long remaining = data.readableBytes();
      while (remaining > 0) {
        remaining -= channel.write(parts);
      }
    } catch (IOException e) {
      throw fail(e);
    } finally {
      data.release();
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    LoopBridge.checkBlockingAllowed("Flow.shutdownOutput");
    checkUsable();
    if (outputShut) {
      return;
    }
    outputShut = true;
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public void close() {
    if (!state.compareAndSet(OPEN, CLOSED)) {
      return;
    }
    if (failure != null || !channel.isOpen()) {
      release();
      return;
    }
    try {
      if (!outputShut) {
        outputShut = true;
        channel.shutdownOutput();
      }
    } catch (IOException e) {
      release();
      return;
    }
    if (endOfStream) {
      release();
      return;
    }
    Thread.ofVirtual().name("morgana-socket-linger " + remote).start(this::discardUntilEndOfStream);
  }

  /** After {@link #close()}: reads and drops what the peer sends until its FIN, then lets go. */
  private void discardUntilEndOfStream() {
    try {
      channel.socket().setSoTimeout(CLOSE_LINGER_MILLIS);
      InputStream in = channel.socket().getInputStream();
      byte[] scratch = new byte[8192];
      while (in.read(scratch) >= 0) {
        // discarded, as net-tcpip discards data that arrives after close
      }
    } catch (IOException | RuntimeException e) {
      // reset, timeout, kernel shutdown: nothing to discard any more
    } finally {
      release();
    }
  }

  @Override
  public void abort() {
    if (state.getAndSet(ABORTED) == ABORTED) {
      return;
    }
    try {
      if (channel.isOpen()) {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } catch (IOException e) {
      // already closed by the host: nothing left to reset
    }
    release();
  }

  /** Closes the channel for good (the host sends RST when {@code SO_LINGER} is 0). */
  void release() {
    try {
      channel.close();
    } catch (IOException e) {
      // the descriptor is gone either way
    }
    stack.forget(this);
  }

  @Override
  public <T> void set(FlowOption<T> option, T value) throws IOException {
    T v = option.check(value);
    if (option == FlowOption.USER_TIMEOUT) {
      throw new UnsupportedOperationException(
          "USER_TIMEOUT is not supported by the socket stack: the JDK has no TCP_USER_TIMEOUT");
    }
    checkUsable();
    try {
      if (option == FlowOption.NO_DELAY) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, (Boolean) v);
      } else if (option == FlowOption.KEEP_ALIVE) {
        setKeepAlive((FlowOption.KeepAlive) v);
      } else {
        throw new UnsupportedOperationException(option + " is not supported by the socket stack");
      }
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /** SO_KEEPALIVE and, when on, the host's timing: all three options or none are set. */
  private void setKeepAlive(FlowOption.KeepAlive k) throws IOException {
    if (!k.on()) {
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, false);
      return;
    }
    java.util.Set<SocketOption<?>> supported = channel.supportedOptions();
    if (!supported.contains(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)
        || !supported.contains(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL)
        || !supported.contains(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT)) {
      throw new UnsupportedOperationException("KEEP_ALIVE timing is not supported by the JDK on this platform");
    }
    channel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, seconds(k.idle()));
    channel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds(k.interval()));
    channel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, k.probes());
    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
  }

  /**
   * Whole seconds, rounded up, at least 1: the host's unit. Linux refuses more than 32,767 s
   * ({@code MAX_TCP_KEEPIDLE}): {@link #set} then throws the host's {@link SocketException}.
   */
  static int seconds(java.time.Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return (int) Math.max(1, Math.min(s, Integer.MAX_VALUE));
  }

  /** The host's view of an option, for tests. */
  <T> T option(SocketOption<T> option) throws IOException {
    return channel.getOption(option);
  }

  private void checkUsable() throws IOException {
    switch (state.get()) {
      case CLOSED -> throw new SocketException("Flow closed");
      case ABORTED -> throw new SocketException("Flow aborted");
      default -> {
        IOException f = failure;
        if (f != null) {
          throw again(f);
        }
      }
    }
  }

  private IOException fail(Exception e) throws IOException {
    if (e instanceof RuntimeException re) {
      throw re;
    }
    int s = state.get();
    if (s != OPEN) {
      return new SocketException(s == ABORTED ? "Flow aborted" : "Flow closed");
    }
    IOException mapped = SocketErrors.flowFailure((IOException) e, remote, false);
    if (mapped instanceof java.net.SocketTimeoutException
        || (mapped instanceof SocketException && mapped.getMessage() != null
            && mapped.getMessage().startsWith("Connection reset"))) {
      failure = mapped;
    }
    return mapped;
  }

  /** A fresh exception of the same kind as {@code f}, with {@code f} as its cause. */
  private static IOException again(IOException f) {
    IOException copy = f instanceof java.net.SocketTimeoutException
        ? new java.net.SocketTimeoutException(f.getMessage())
        : new SocketException(f.getMessage());
    copy.initCause(f);
    return copy;
  }

  @Override
  public String toString() {
    return "Flow[" + local + " -> " + remote + "]";
  }
}
