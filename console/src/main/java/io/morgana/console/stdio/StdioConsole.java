package io.morgana.console.stdio;

import io.morgana.runtime.LoopBridge;
import io.morgana.api.Console;
import io.morgana.runtime.Lifecycle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The console of a kernel that runs as a Unix process: output to standard output, input from
 * standard input (MirageOS's {@code console_unix}).
 *
 * <p>Writes go straight to file descriptor 1, not through {@link System#out} (which would hide
 * write errors such as a closed pipe): every {@link #write} and {@link #log} is flushed before it
 * returns, and concurrent callers never interleave within one call. {@link #read} blocks on
 * standard input and returns what one {@code read(2)} delivered; it belongs on an application
 * thread. Closing flushes and refuses further writes; it does not close the process's descriptors
 * (a blocked {@link #read} is not interrupted).
 */
@Singleton
final class StdioConsole implements Console {

  /** Largest buffer one {@link #read} returns. */
  static final int READ_SIZE = 4096;

  private final InputStream in;
  private final OutputStream out;
  private final Object writeLock = new Object();
  private final Object readLock = new Object();
  private volatile boolean closed;

  @Inject
  StdioConsole(Lifecycle lifecycle) {
    this(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
    lifecycle.onShutdown(this);
  }

  /** A console over the given streams (tests). */
  StdioConsole(InputStream in, OutputStream out) {
    this.in = Objects.requireNonNull(in, "in");
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public void write(ByteBuf bytes) throws IOException {
    try {
      synchronized (writeLock) {
        ensureOpen();
        bytes.getBytes(bytes.readerIndex(), out, bytes.readableBytes());
        out.flush();
      }
    } finally {
      bytes.release();
    }
  }

  @Override
  public void log(String line) throws IOException {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (writeLock) {
      ensureOpen();
      out.write(bytes);
      out.flush();
    }
  }

  @Override
  public ByteBuf read() throws IOException {
    LoopBridge.checkBlockingAllowed("Console.read");
    synchronized (readLock) {
      ensureOpen();
      byte[] chunk = new byte[READ_SIZE];
      int n = in.read(chunk);
      if (n < 0) {
        return null;
      }
      return Unpooled.wrappedBuffer(chunk, 0, n);
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      out.flush();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the standard I/O console is closed");
    }
  }

  @Override
  public String toString() {
    return "StdioConsole";
  }
}
