package io.morgana.api;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A block device: an array of equally sized sectors read and written whole. The counterpart of
 * MirageOS's {@code Mirage_block.S}, plus {@link #flush()} and {@link #discard} which that
 * signature lacks.
 *
 * <p>Implementations: RAM and file-backed disks, partitions and views ({@code block}), Xen
 * blkfront ({@code xen-blkfront}).
 *
 * <p><b>Buffers stay with the caller:</b> unlike network writes, a block call never releases or
 * keeps the buffer it is given, because file systems reuse sector buffers. <b>Threads:</b> calls
 * block until the device completes them and may be made from several application threads at
 * once; never call them on a kernel loop thread: made there, a call fails at once with an {@link
 * IllegalStateException} naming it (a loop callback hands blocking work to {@code
 * EventLoop.offload}).
 *
 * <p>A request that reaches past the last sector, or whose length is not a whole number of
 * sectors, fails with {@link BlockException} before any byte moves — never a short read or write.
 */
public interface Block extends AutoCloseable {

  /** Geometry and capabilities. */
  BlockInfo info();

  /**
   * Reads {@code into.writableBytes()} bytes starting at {@code sector} into {@code into},
   * advancing its writer index. The length must be a whole number of sectors.
   */
  void read(long sector, ByteBuf into) throws IOException;

  /**
   * Writes {@code from.readableBytes()} bytes starting at {@code sector}, advancing {@code
   * from}'s reader index. The length must be a whole number of sectors. The data is durable only
   * after {@link #flush()}.
   *
   * @throws BlockException also when the device is read-only
   */
  void write(long sector, ByteBuf from) throws IOException;

  /** Makes every completed write durable (a cache flush / barrier). */
  void flush() throws IOException;

  /**
   * Tells the device that {@code count} sectors from {@code sector} are no longer in use; their
   * content becomes unspecified. Does nothing on a device that does not support it ({@link
   * BlockInfo#discardSupported()}).
   */
  void discard(long sector, long count) throws IOException;

  /** Releases the device (and its lock, for file-backed disks). Idempotent. */
  @Override
  void close() throws IOException;
}
