package io.morgana.fs.fat.internal;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;

/**
 * File-system sectors over a {@link Block} whose own sectors may be smaller (a 4 KiB FAT sector
 * over 512-byte device sectors). Counts every sector read and written.
 */
public final class Volume {

  private final Block block;
  private final int sectorSize;
  private final int ratio;
  private long reads;
  private long writes;

  public Volume(Block block, int sectorSize) throws BlockException {
    this.block = block;
    this.sectorSize = sectorSize;
    int dev = block.info().sectorSize();
    if (sectorSize % dev != 0) {
      throw new BlockException("FAT sectors of " + sectorSize + " bytes on a device with "
          + dev + "-byte sectors");
    }
    this.ratio = sectorSize / dev;
  }

  public Block block() { return block; }
  public int sectorSize() { return sectorSize; }
  public long sectorsRead() { return reads; }
  public long sectorsWritten() { return writes; }

  public void read(long sector, byte[] dst, int off, int count) throws IOException {
    ByteBuf b = Unpooled.wrappedBuffer(dst, off, count * sectorSize).clear();
    block.read(sector * ratio, b);
    reads += count;
  }

  public void write(long sector, byte[] src, int off, int count) throws IOException {
    ByteBuf b = Unpooled.wrappedBuffer(src, off, count * sectorSize);
    block.write(sector * ratio, b);
    writes += count;
  }

  /** Reads {@code count} sectors into {@code dst} at absolute index {@code index} (indices unchanged). */
  public void read(long sector, ByteBuf dst, int index, int count) throws IOException {
    block.read(sector * ratio, dst.slice(index, count * sectorSize).clear());
    reads += count;
  }

  /** Writes {@code count} sectors from {@code src} at absolute index {@code index} (indices unchanged). */
  public void write(long sector, ByteBuf src, int index, int count) throws IOException {
    block.write(sector * ratio, src.slice(index, count * sectorSize));
    writes += count;
  }

  public void flush() throws IOException {
    block.flush();
  }
}
