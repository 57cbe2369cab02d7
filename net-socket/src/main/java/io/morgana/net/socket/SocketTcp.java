package io.morgana.net.socket;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Tcp;
import io.morgana.runtime.LoopBridge;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * {@link Tcp} over the host's TCP: {@link #listen} binds a {@link ServerSocketChannel} to the
 * stack's listen address ({@code --listen}), {@link #connect} opens a {@link SocketChannel}. The
 * outcomes are net-tcpip's ({@code TcpService}): a port already listened on throws {@link
 * BindException}; a refused or timed-out connect throws {@link java.net.ConnectException}; a
 * closed listener's {@code accept} throws {@link IOException} "listener on port … is closed"; a
 * connection the peer accepts and resets before the host's {@code connect} returns is a flow whose
 * first call throws the reset, not a failed connect.
 * Every call blocks and fails at once on a kernel loop thread.
 */
final class SocketTcp implements Tcp {

  /** Pending connections a listener queues before the host refuses more (Linux's default somaxconn is 4096). */
  static final int BACKLOG = 128;

  private final SocketStack stack;

  SocketTcp(SocketStack stack) {
    this.stack = stack;
  }

  @Override
  public Listener listen(int port) throws IOException {
    LoopBridge.checkBlockingAllowed("Tcp.listen");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("TCP port must be 1..65535, got " + port);
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(SocketAddresses.inet(stack.listenAddress()), port), BACKLOG);
    } catch (IOException e) {
      server.close();
      BindException b = new BindException("TCP port " + port + " is already listened on"
          + " (host " + stack.listenAddress() + ": " + e.getMessage() + ")");
      b.initCause(e);
      throw b;
    }
    SocketListener l = new SocketListener(server, port);
    stack.track(l);
    return l;
  }

  @Override
  public Flow connect(Endpoint remote, Duration timeout) throws IOException {
    LoopBridge.checkBlockingAllowed("Tcp.connect");
    long millis = timeout == null ? 0 : Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    SocketChannel ch = SocketChannel.open();
    try {
      ch.socket().connect(SocketAddresses.inet(remote), (int) millis);
      return stack.track(new SocketFlow(ch, stack.allocator(), stack));
    } catch (SocketTimeoutException e) {
      ch.close();
      throw SocketErrors.connectFailure(e, remote);
    } catch (IOException e) {
      ch.close();
      if (SocketErrors.flowFailure(e, remote, false) instanceof SocketException r
          && r.getMessage().startsWith("Connection reset")) {
        return SocketFlow.resetDuringConnect(ch, remote, e, stack.allocator(), stack);
      }
      throw SocketErrors.connectFailure(e, remote);
    }
  }

  /** One listening host socket. */
  final class SocketListener implements Listener {
    private final ServerSocketChannel server;
    private final int port;

    SocketListener(ServerSocketChannel server, int port) {
      this.server = server;
      this.port = port;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public Flow accept() throws IOException {
      LoopBridge.checkBlockingAllowed("Tcp.Listener.accept");
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        IOException closed = new IOException("listener on port " + port + " is closed");
        closed.initCause(e);
        throw closed;
      }
      try {
        return stack.track(new SocketFlow(ch, stack.allocator(), stack));
      } catch (IOException e) {
        ch.close();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException e) {
        // the descriptor is gone either way
      }
      stack.forget(this);
    }

    @Override
    public String toString() {
      return "Listener[" + stack.listenAddress() + ":" + port + "]";
    }
  }
}
