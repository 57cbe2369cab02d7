package io.morgana.testkit.contract;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Arrays;

/** A tiny RAM disk, only to prove {@link BlockContract} against something that follows it. */
class InMemoryBlock implements Block {
  private final BlockInfo info;
  private final byte[] data;
  private volatile boolean closed;

  InMemoryBlock(int sectorSize, long sectors, boolean readWrite) {
    this.info = new BlockInfo(sectorSize, sectors, readWrite, true);
    this.data = new byte[Math.toIntExact(sectors * sectorSize)];
  }

  @Override
  public BlockInfo info() {
    return info;
  }

  /** Checks a request of {@code length} bytes at {@code sector}; returns the byte offset. */
  int check(String op, long sector, long length) throws IOException {
    if (closed) {
      throw new BlockException(op + " on a closed device");
    }
    if (length % info.sectorSize() != 0) {
      throw new BlockException(op + " of " + length + " bytes: not a whole number of " + info.sectorSize() + "-byte sectors");
    }
    long count = length / info.sectorSize();
    if (sector < 0 || count < 0 || sector > info.sectorCount() || count > info.sectorCount() - sector) {
      throw new BlockException(op + " of " + count + " sectors at " + sector + ": outside 0.." + info.sectorCount());
    }
    return (int) (sector * info.sectorSize());
  }

  @Override
  public synchronized void read(long sector, ByteBuf into) throws IOException {
    int at = check("read", sector, into.writableBytes());
    into.writeBytes(data, at, into.writableBytes());
  }

  @Override
  public synchronized void write(long sector, ByteBuf from) throws IOException {
    int at = check("write", sector, from.readableBytes());
    if (!info.readWrite()) {
      throw new BlockException("write to a read-only device");
    }
    from.readBytes(data, at, from.readableBytes());
  }

  @Override
  public void flush() throws IOException {
    check("flush", 0, 0);
  }

  @Override
  public synchronized void discard(long sector, long count) throws IOException {
    if (count < 0 || count > Long.MAX_VALUE / info.sectorSize()) {
      throw new BlockException("discard of " + count + " sectors");
    }
    int at = check("discard", sector, count * info.sectorSize());
    Arrays.fill(data, at, at + (int) count * info.sectorSize(), (byte) 0);
  }

  @Override
  public void close() {
    closed = true;
  }
}
