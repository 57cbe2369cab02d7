package io.morgana.http.internal;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A {@link Flow} that hands out scripted pieces of input (from a counting allocator, then end of
 * stream) and records what is written, releasing it: a connection driven on the test's thread.
 */
final class ScriptedFlow implements Flow {

  private final ArrayDeque<byte[]> input;
  private final ByteBufAllocator alloc;
  final ByteArrayOutputStream written = new ByteArrayOutputStream();
  boolean closed;
  boolean aborted;

  ScriptedFlow(ByteBufAllocator alloc, List<byte[]> pieces) {
    this.alloc = alloc;
    this.input = new ArrayDeque<>(pieces);
  }

  @Override
  public Endpoint localEndpoint() {
    return new Endpoint(Ipv4Address.LOOPBACK, 80);
  }

  @Override
  public Endpoint remoteEndpoint() {
    return new Endpoint(Ipv4Address.LOOPBACK, 40000);
  }

  @Override
  public ByteBuf read() throws IOException {
    if (closed || aborted) {
      throw new IOException("closed");
    }
    byte[] next = input.poll();
    if (next == null) {
      return null;
    }
    ByteBuf b = alloc.buffer(next.length);
    b.writeBytes(next);
    return b;
  }

  @Override
  public void write(ByteBuf data) throws IOException {
    try {
      if (closed || aborted) {
        throw new IOException("closed");
      }
      data.readBytes(written, data.readableBytes());
    } finally {
      data.release();
    }
  }

  @Override
  public void shutdownOutput() {}

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public void abort() {
    aborted = true;
  }
}
