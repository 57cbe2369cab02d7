package io.morgana.net.socket;

import io.morgana.api.Endpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Turns the host's socket errors into the exceptions net-tcpip's {@code TcpService} throws, so
 * that an application sees the same types over either stack:
 *
 * <ul>
 *   <li>reset ({@code ECONNRESET}, {@code EPIPE}): {@link SocketException} "Connection reset by …";
 *   <li>retransmissions given up ({@code ETIMEDOUT}): {@link SocketTimeoutException};
 *   <li>a refused or timed-out connect: {@link ConnectException};
 *   <li>a call after {@code close}/{@code abort} on this side: {@link SocketException} "Flow closed"
 *       / "Flow aborted".
 * </ul>
 */
final class SocketErrors {

  private SocketErrors() {}

  /** The exception a {@code Flow} call throws for {@code e}, which the host raised. */
  static IOException flowFailure(IOException e, Endpoint remote, boolean aborted) {
    if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException) {
      return new SocketException(aborted ? "Flow aborted" : "Flow closed");
    }
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("reset") || m.contains("broken pipe")) {
      return withCause(new SocketException("Connection reset by " + remote), e);
    }
    if (m.contains("timed out")) {
      return withCause(new SocketTimeoutException("Connection to " + remote + " timed out"), e);
    }
    return e;
  }

  /** The exception {@code Tcp.connect} throws for {@code e}: always a {@link ConnectException}. */
  static ConnectException connectFailure(IOException e, Endpoint remote) {
    if (e instanceof SocketTimeoutException) {
      return withCause(new ConnectException("Connection to " + remote + " timed out"), e);
    }
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("refused")) {
      return withCause(new ConnectException("Connection refused by " + remote), e);
    }
    if (m.contains("timed out")) {
      return withCause(new ConnectException("Connection to " + remote + " timed out"), e);
    }
    return withCause(new ConnectException("cannot connect to " + remote + ": " + e.getMessage()), e);
  }

  private static <T extends IOException> T withCause(T t, Throwable cause) {
    t.initCause(cause);
    return t;
  }
}
