package io.morgana.net.tcpip.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.WrappedByteBuf;

/**
 * The stack's one buffer-ownership rule for outgoing data, shared by every layer's send path.
 *
 * <p><b>A header is written in place only into memory that nobody else can see:</b> a buffer
 * that is not derived from another (a duplicate or slice shares its parent's memory, and {@code
 * retainedDuplicate()} even reports a reference count of 1 of its own), whose reference count is
 * 1, that is writable, and that has the headroom. Everything else — a received frame echoed back,
 * a duplicate, a slice, a read-only or shared buffer — is copied once into a pooled direct buffer
 * with the headroom of every layer below, and the original is released. So no path writes into a
 * buffer someone else reads, and none builds chains of duplicates: the copy is a fresh root.
 * {@code TcpipStack.allocate} hands applications buffers that meet the rule.
 */
public final class Buffers {

  private Buffers() {}

  /**
   * Makes room for a {@code header}-byte header in front of {@code payload}'s readable bytes,
   * with at least {@code below} more bytes of headroom for the layers underneath, and returns a
   * buffer whose reader index is at the header (the header bytes are not written).
   *
   * <p>In place when {@link #isExclusive} and the room is there; otherwise a copy, and {@code
   * payload} is released. Either way the caller owns the result and no longer owns {@code
   * payload}.
   */
  public static ByteBuf prepend(ByteBuf payload, int header, int below, ByteBufAllocator alloc) {
    int reader = payload.readerIndex();
    if (reader >= header + below && isExclusive(payload)) {
      payload.readerIndex(reader - header);
      return payload;
    }
    int len = payload.readableBytes();
    int room = header + below;
    ByteBuf copy = alloc.directBuffer(room + len);
    try {
      copy(payload, reader, copy, room, len);
      copy.setIndex(room, room + len);
    } catch (RuntimeException e) {
      copy.release();
      throw e;
    } finally {
      payload.release();
    }
    copy.readerIndex(below);
    return copy;
  }

  /**
   * Copies {@code length} bytes from {@code src} at absolute {@code srcIndex} to {@code dst} at
   * {@code dstIndex}, leaving both buffers' indices alone. Between two direct buffers it goes
   * through their cached internal NIO views: Netty's own {@code setBytes(int, ByteBuf, int, int)}
   * makes a fresh {@code ByteBuffer} view per call when it cannot use {@code sun.misc.Unsafe}
   * (JDK 25), which would cost every copied packet about 128 bytes of garbage.
   */
  public static void copy(ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int length) {
    if (length == 0) {
      return;
    }
    src = sameIndexRoot(src);
    dst = sameIndexRoot(dst);
    if (src != dst && src.nioBufferCount() == 1 && dst.nioBufferCount() == 1 && src.isDirect() && dst.isDirect()) {
      dst.internalNioBuffer(dstIndex, length).put(src.internalNioBuffer(srcIndex, length));
    } else {
      dst.setBytes(dstIndex, src, srcIndex, length);
    }
  }

  /**
   * The buffer whose indices are {@code b}'s own and that holds its memory: through leak-detector
   * wrappers and duplicates (a derived buffer as large as its parent maps every index to the same
   * index of the parent; a smaller slice does not, and stays). Reading a derived buffer through
   * its root avoids the {@code ByteBuffer} view Netty makes per call for a derived buffer.
   */
  private static ByteBuf sameIndexRoot(ByteBuf b) {
    while (true) {
      ByteBuf parent = b.unwrap();
      if (parent == null || (!(b instanceof WrappedByteBuf) && parent.capacity() != b.capacity())) {
        return b;
      }
      b = parent;
    }
  }

  /**
   * Whether writing into {@code buf}'s memory can be seen by no one else: referenced once,
   * writable, and a root buffer — not a duplicate or slice of another ({@code unwrap()} names the
   * parent), nor a composite (its components may be shared). Netty's leak detector wraps sampled
   * buffers (every buffer, in tests) in a {@link WrappedByteBuf} that shares its inner buffer's
   * memory and count; such wrappers are looked through.
   */
  public static boolean isExclusive(ByteBuf buf) {
    if (buf.refCnt() != 1 || buf.isReadOnly()) {
      return false;
    }
    ByteBuf b = buf;
    while (b instanceof WrappedByteBuf) {
      b = b.unwrap();
    }
    return b.unwrap() == null && !(b instanceof CompositeByteBuf) && b.refCnt() == 1;
  }
}
