package io.morgana.api;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A text console: standard input and output on a development machine, the Xen PV console ring
 * in a Xen guest. The counterpart of MirageOS's {@code Mirage_console.S}.
 *
 * <p>Diagnostics go through SLF4J, not here: the console is the application's output.
 * <b>Threads:</b> {@link #write} and {@link #log} from any thread, never blocking the loop for
 * long; {@link #read} blocks and belongs on an application thread (on a kernel loop thread it
 * fails at once with an {@link IllegalStateException}).
 */
public interface Console extends AutoCloseable {

  /** Writes the bytes in order. Takes ownership of {@code bytes}. */
  void write(ByteBuf bytes) throws IOException;

  /** Writes {@code line} in UTF-8 followed by a newline. */
  void log(String line) throws IOException;

  /**
   * Waits for input.
   *
   * @return a buffer the caller owns and must release, or {@code null} at end of input
   */
  ByteBuf read() throws IOException;

  /** Flushes what was written and releases the console. Idempotent. */
  @Override
  void close() throws IOException;
}
