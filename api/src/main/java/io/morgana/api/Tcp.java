package io.morgana.api;

import java.io.IOException;
import java.time.Duration;

/**
 * TCP (RFC 9293): passive and active opens yielding {@link Flow}s.
 *
 * <p><b>Threads:</b> the calls block and belong on application threads, never the loop thread.
 */
public interface Tcp {

  /**
   * Starts accepting connections on {@code port}.
   *
   * @throws IOException if the port is in use
   */
  Listener listen(int port) throws IOException;

  /**
   * Opens a connection to {@code remote} from an ephemeral port, waiting at most {@code timeout}
   * for the handshake.
   *
   * @throws java.net.ConnectException if the peer refused (RST) or the timeout passed
   */
  Flow connect(Endpoint remote, Duration timeout) throws IOException;

  /** Accepts connections on one port. */
  interface Listener extends AutoCloseable {

    /** The port listened on. */
    int port();

    /**
     * Waits for the next established connection.
     *
     * @throws IOException once the listener is closed
     */
    Flow accept() throws IOException;

    /** Stops accepting; established connections are not affected. Idempotent. */
    @Override
    void close();
  }
}
