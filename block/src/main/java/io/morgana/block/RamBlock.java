package io.morgana.block;

import io.morgana.runtime.LoopBridge;
import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A disk in memory. Storage is allocated lazily in 64 KiB chunks (or one sector, when sectors are
 * larger), so a large, mostly empty disk costs only what has been written: a sector never written
 * (or discarded) reads as zeros. {@link #discard} is supported and zeroes whole chunks by
 * dropping them.
 *
 * <p>Thread-safe: requests may come from several threads; requests touching the same sectors at
 * the same time see each other's bytes in an unspecified interleaving, as on a real disk. Data
 * is "durable" as soon as {@link #write} returns; {@link #flush()} only checks the device is open.
 * After {@link #close()} every request fails and the memory is released.
 */
public final class RamBlock implements Block {

  /** The sector size used when none is given. */
  public static final int DEFAULT_SECTOR_SIZE = 512;

  private static final int CHUNK_BYTES = 64 * 1024;

  private final BlockInfo info;
  private final String name;
  private final int chunkBytes;
  private final int chunkShift;
  private volatile AtomicReferenceArray<byte[]> chunks;

  private RamBlock(int sectorSize, long sectorCount, String name) {
    this.info = new BlockInfo(sectorSize, sectorCount, true, true);
    this.chunkBytes = Math.max(CHUNK_BYTES, sectorSize);
    this.chunkShift = Integer.numberOfTrailingZeros(chunkBytes);
    if (sectorCount > (Long.MAX_VALUE - chunkBytes) / sectorSize
        || ((info.sizeBytes() + chunkBytes - 1) >>> chunkShift) > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("RAM disk too large: " + sectorCount + " sectors of " + sectorSize + " bytes");
    }
    this.chunks = new AtomicReferenceArray<>((int) ((info.sizeBytes() + chunkBytes - 1) >>> chunkShift));
    this.name = name;
  }

  /** A zeroed disk of {@code sectorCount} 512-byte sectors. */
  public static RamBlock create(long sectorCount) {
    return create(DEFAULT_SECTOR_SIZE, sectorCount);
  }

  /**
   * A zeroed disk of {@code sectorCount} sectors of {@code sectorSize} bytes.
   *
   * @throws IllegalArgumentException when the sector size is not a power of two >= 512 or the
   *     count is negative
   */
  public static RamBlock create(int sectorSize, long sectorCount) {
    new BlockInfo(sectorSize, sectorCount, true, true); // validates
    return new RamBlock(sectorSize, sectorCount, "ram(" + sectorCount + "x" + sectorSize + ")");
  }

  /**
   * A zeroed disk of {@code sizeBytes} bytes in 512-byte sectors.
   *
   * @throws IllegalArgumentException when the size is not a multiple of 512
   */
  public static RamBlock ofSize(long sizeBytes) {
    if (sizeBytes < 0 || sizeBytes % DEFAULT_SECTOR_SIZE != 0) {
      throw new IllegalArgumentException("RAM disk size must be a multiple of 512 bytes, got " + sizeBytes);
    }
    return create(sizeBytes / DEFAULT_SECTOR_SIZE);
  }

  /**
   * A disk holding a copy of {@code image}.
   *
   * @throws IllegalArgumentException when the image is not a whole number of sectors
   */
  public static RamBlock copyOf(byte[] image, int sectorSize) {
    new BlockInfo(sectorSize, 0, true, true); // validates the sector size
    if (image.length % sectorSize != 0) {
      throw new IllegalArgumentException(
          "image of " + image.length + " bytes is not a whole number of " + sectorSize + "-byte sectors");
    }
    RamBlock disk = create(sectorSize, image.length / sectorSize);
    for (int off = 0; off < image.length; off += disk.chunkBytes) {
      int len = Math.min(disk.chunkBytes, image.length - off);
      byte[] chunk = new byte[disk.chunkBytes];
      System.arraycopy(image, off, chunk, 0, len);
      disk.chunks.set(off >>> disk.chunkShift, chunk);
    }
    return disk;
  }

  /** A disk holding a copy of {@code image} in 512-byte sectors. */
  public static RamBlock copyOf(byte[] image) {
    return copyOf(image, DEFAULT_SECTOR_SIZE);
  }

  /**
   * A copy of the whole disk.
   *
   * @throws IllegalStateException when the disk is larger than a Java array or closed
   */
  public byte[] toByteArray() {
    AtomicReferenceArray<byte[]> c = chunksOrThrow();
    long size = info.sizeBytes();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(name + " is too large for one byte array (" + size + " bytes)");
    }
    byte[] out = new byte[(int) size];
    for (int i = 0; i < c.length(); i++) {
      byte[] chunk = c.get(i);
      if (chunk != null) {
        long off = (long) i << chunkShift;
        System.arraycopy(chunk, 0, out, (int) off, (int) Math.min(chunkBytes, size - off));
      }
    }
    return out;
  }

  /** Bytes of memory currently holding sectors (a multiple of the chunk size). */
  public long allocatedBytes() {
    AtomicReferenceArray<byte[]> c = chunks;
    if (c == null) {
      return 0;
    }
    long n = 0;
    for (int i = 0; i < c.length(); i++) {
      if (c.get(i) != null) {
        n += chunkBytes;
      }
    }
    return n;
  }

  @Override
  public BlockInfo info() {
    return info;
  }

  @Override
  public void read(long sector, ByteBuf into) throws BlockException {
    LoopBridge.checkBlockingAllowed("Block.read");
    AtomicReferenceArray<byte[]> c = open("read");
    int length = into.writableBytes();
    Requests.check(this, info, "read", sector, length);
    long pos = sector * info.sectorSize();
    int done = 0;
    while (done < length) {
      int index = (int) (pos >>> chunkShift);
      int off = (int) (pos & (chunkBytes - 1));
      int n = Math.min(length - done, chunkBytes - off);
      byte[] chunk = c.get(index);
      if (chunk == null) {
        into.writeZero(n);
      } else {
        into.writeBytes(chunk, off, n);
      }
      done += n;
      pos += n;
    }
  }

  @Override
  public void write(long sector, ByteBuf from) throws BlockException {
    LoopBridge.checkBlockingAllowed("Block.write");
    AtomicReferenceArray<byte[]> c = open("write");
    Requests.checkWritable(this, info, "write", sector);
    int length = from.readableBytes();
    Requests.check(this, info, "write", sector, length);
    long pos = sector * info.sectorSize();
    int src = from.readerIndex();
    int done = 0;
    while (done < length) {
      int index = (int) (pos >>> chunkShift);
      int off = (int) (pos & (chunkBytes - 1));
      int n = Math.min(length - done, chunkBytes - off);
      byte[] chunk = c.get(index);
      if (chunk == null) {
        byte[] fresh = new byte[chunkBytes];
        chunk = c.compareAndExchange(index, null, fresh);
        if (chunk == null) {
          chunk = fresh;
        }
      }
      from.getBytes(src + done, chunk, off, n);
      done += n;
      pos += n;
    }
    from.skipBytes(length);
  }

  @Override
  public void flush() throws BlockException {
    LoopBridge.checkBlockingAllowed("Block.flush");
    open("flush");
  }

  @Override
  public void discard(long sector, long count) throws BlockException {
    LoopBridge.checkBlockingAllowed("Block.discard");
    AtomicReferenceArray<byte[]> c = open("discard");
    Requests.checkWritable(this, info, "discard", sector);
    Requests.checkRange(this, info, "discard", sector, count);
    long pos = sector * info.sectorSize();
    long end = pos + count * info.sectorSize();
    while (pos < end) {
      int index = (int) (pos >>> chunkShift);
      int off = (int) (pos & (chunkBytes - 1));
      int n = (int) Math.min(end - pos, chunkBytes - off);
      if (off == 0 && n == chunkBytes) {
        c.set(index, null);
      } else {
        byte[] chunk = c.get(index);
        if (chunk != null) {
          java.util.Arrays.fill(chunk, off, off + n, (byte) 0);
        }
      }
      pos += n;
    }
  }

  @Override
  public void close() {
    chunks = null;
  }

  @Override
  public String toString() {
    return name;
  }

  private AtomicReferenceArray<byte[]> open(String op) throws BlockException {
    AtomicReferenceArray<byte[]> c = chunks;
    Requests.checkOpen(this, c == null, op);
    return c;
  }

  private AtomicReferenceArray<byte[]> chunksOrThrow() {
    AtomicReferenceArray<byte[]> c = chunks;
    if (c == null) {
      throw new IllegalStateException(name + " is closed");
    }
    return c;
  }
}
