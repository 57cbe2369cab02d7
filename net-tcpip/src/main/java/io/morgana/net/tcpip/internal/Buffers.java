package io.morgana.net.tcpip.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Headroom handling shared by the layers' send paths. */
public final class Buffers {

  private Buffers() {}

  /**
   * Makes room for a {@code header}-byte header in front of {@code payload}'s readable bytes,
   * with at least {@code below} more bytes of headroom for the layers underneath, and returns a
   * buffer whose reader index is at the header (the header bytes are not written).
   *
   * <p>When {@code payload} already has the room, is writable and not shared ({@code refCnt()
   * == 1}), the header goes in place and nothing is copied. Otherwise the bytes are copied into
   * a pooled direct buffer and {@code payload} is released. Either way the caller owns the
   * result and no longer owns {@code payload}.
   */
  public static ByteBuf prepend(ByteBuf payload, int header, int below, ByteBufAllocator alloc) {
    int reader = payload.readerIndex();
    if (reader >= header + below && payload.refCnt() == 1 && !payload.isReadOnly()) {
      payload.readerIndex(reader - header);
      return payload;
    }
    int len = payload.readableBytes();
    int room = header + below;
    ByteBuf copy = alloc.directBuffer(room + len);
    try {
      copy.setIndex(room, room);
      copy.writeBytes(payload, reader, len);
    } catch (RuntimeException e) {
      copy.release();
      throw e;
    } finally {
      payload.release();
    }
    copy.readerIndex(below);
    return copy;
  }
}
