package io.morgana.xen.blkfront;

import io.morgana.api.Block;
import io.morgana.block.Blocks;
import io.morgana.block.RamBlock;
import io.morgana.testkit.contract.BlockContract;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import java.io.IOException;

/**
 * {@link XenBlkfront} passes {@link BlockContract} over a Java {@link XenBlkback} (as strict as
 * Linux's) serving a RAM disk, over the simulated hypervisor: direct requests of up to 11
 * segments, a one-page ring.
 */
class XenBlkfrontContractTest extends BlockContract {

  /** The device under test, closing its whole fixture with it. */
  static Block open(Block disk, XenBlkback.Features features, int ringOrder) throws IOException {
    BlkfrontFixture f = new BlkfrontFixture(disk, features);
    XenBlkfront front = f.connect(ringOrder, XenBlkfront.DEFAULT_POOL_PAGES);
    return new io.morgana.api.Block() {
      @Override
      public io.morgana.api.BlockInfo info() {
        return front.info();
      }

      @Override
      public void read(long sector, io.netty.buffer.ByteBuf into) throws IOException {
        front.read(sector, into);
      }

      @Override
      public void write(long sector, io.netty.buffer.ByteBuf from) throws IOException {
        front.write(sector, from);
      }

      @Override
      public void flush() throws IOException {
        front.flush();
      }

      @Override
      public void discard(long sector, long count) throws IOException {
        front.discard(sector, count);
      }

      private boolean closed;

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          front.close();
          f.close();
        }
      }
    };
  }

  @Override
  protected Block open(long sectors) throws IOException {
    return open(RamBlock.create(sectors), new XenBlkback.Features(0, 4, 1, true), 0);
  }

  @Override
  protected Block openReadOnly(long sectors) throws IOException {
    return open(Blocks.readOnly(RamBlock.create(sectors)), new XenBlkback.Features(0, 4, 1, true), 0);
  }
}
