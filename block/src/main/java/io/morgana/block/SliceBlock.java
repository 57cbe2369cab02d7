package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A window of {@code count} sectors starting at {@code first} on another device: a partition.
 * Every request is checked against the window before it reaches the device beneath, so it can
 * never touch a sector outside it. Closing the view does not close the device.
 */
final class SliceBlock implements Block {

  private final Block device;
  private final long first;
  private final BlockInfo info;
  private final String name;
  private volatile boolean closed;

  SliceBlock(Block device, long first, long count, boolean readWrite, String name) throws BlockException {
    BlockInfo outer = device.info();
    Requests.checkRange(device, outer, "view", first, count);
    this.device = device;
    this.first = first;
    this.info = new BlockInfo(outer.sectorSize(), count, readWrite && outer.readWrite(), outer.discardSupported() && readWrite);
    this.name = name;
  }

  @Override
  public BlockInfo info() {
    return info;
  }

  @Override
  public void read(long sector, ByteBuf into) throws IOException {
    Requests.checkOpen(this, closed, "read");
    Requests.check(this, info, "read", sector, into.writableBytes());
    device.read(first + sector, into);
  }

  @Override
  public void write(long sector, ByteBuf from) throws IOException {
    Requests.checkOpen(this, closed, "write");
    Requests.checkWritable(this, info, "write", sector);
    Requests.check(this, info, "write", sector, from.readableBytes());
    device.write(first + sector, from);
  }

  @Override
  public void flush() throws IOException {
    Requests.checkOpen(this, closed, "flush");
    if (info.readWrite()) {
      device.flush();
    }
  }

  @Override
  public void discard(long sector, long count) throws IOException {
    Requests.checkOpen(this, closed, "discard");
    Requests.checkWritable(this, info, "discard", sector);
    Requests.checkRange(this, info, "discard", sector, count);
    if (info.discardSupported() && count > 0) {
      device.discard(first + sector, count);
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return name;
  }
}
