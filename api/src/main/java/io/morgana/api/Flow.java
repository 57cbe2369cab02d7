package io.morgana.api;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A reliable, ordered byte stream between two endpoints: a TCP connection, or a host socket in
 * the socket stack. The counterpart of MirageOS's {@code Mirage_flow.S}.
 *
 * <p>The calls block, so they belong on application threads (one virtual thread per flow is the
 * intended use), never on the kernel loop thread. One thread may read while another writes.
 */
public interface Flow extends AutoCloseable {

  /** Our end. */
  Endpoint localEndpoint();

  /** The peer's end. */
  Endpoint remoteEndpoint();

  /**
   * Waits for data and returns what has arrived, in order.
   *
   * @return a buffer the caller owns and must release, or {@code null} once the peer has closed
   *     its side and everything before that was read (end of stream)
   * @throws IOException if the connection was reset or timed out; data received before that was
   *     returned by earlier calls
   */
  ByteBuf read() throws IOException;

  /**
   * Queues {@code data} for sending, waiting while the send buffer is full (back-pressure).
   * Takes ownership of {@code data}, also when it throws.
   *
   * @throws IOException if the connection was reset, or our side was shut down
   */
  void write(ByteBuf data) throws IOException;

  /**
   * Half-close: sends end of stream after the queued data; reading goes on until the peer closes.
   */
  void shutdownOutput() throws IOException;

  /**
   * Closes both directions gracefully, after the queued data is sent; data still arriving is
   * discarded. Idempotent.
   */
  @Override
  void close() throws IOException;

  /** Closes at once, discarding queued data and resetting the connection (TCP RST). */
  void abort();

  /**
   * Sets a per-connection option ({@link FlowOption#NO_DELAY}, {@link FlowOption#KEEP_ALIVE},
   * {@link FlowOption#USER_TIMEOUT}); it applies from now on, to this flow only. An implementation
   * that cannot honour {@code option} throws {@link UnsupportedOperationException} and changes
   * nothing — the default for every option, so that a flow supports only what it says it does.
   *
   * @throws UnsupportedOperationException if this flow cannot honour the option
   * @throws IllegalArgumentException if the value is not one the option takes ({@link
   *     FlowOption#check})
   * @throws IOException if the flow was closed or the connection has ended
   */
  default <T> void set(FlowOption<T> option, T value) throws IOException {
    option.check(value);
    throw new UnsupportedOperationException(option + " is not supported by " + getClass().getSimpleName());
  }
}
