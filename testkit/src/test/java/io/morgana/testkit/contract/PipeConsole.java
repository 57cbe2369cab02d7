package io.morgana.testkit.contract;

import io.morgana.api.Console;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A console over a pair of streams, only to prove {@link ConsoleContract}. */
class PipeConsole implements Console {
  private final InputStream in;
  private final OutputStream out;
  private boolean closed;

  PipeConsole(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  @Override
  public synchronized void write(ByteBuf bytes) throws IOException {
    try {
      bytes.readBytes(out, bytes.readableBytes());
    } finally {
      bytes.release();
    }
  }

  @Override
  public synchronized void log(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public ByteBuf read() throws IOException {
    byte[] buf = new byte[4096];
    int n = in.read(buf);
    return n < 0 ? null : Unpooled.wrappedBuffer(buf, 0, n);
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      out.flush();
    }
  }
}
