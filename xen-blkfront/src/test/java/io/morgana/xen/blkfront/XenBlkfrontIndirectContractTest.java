package io.morgana.xen.blkfront;

import io.morgana.api.Block;
import io.morgana.block.Blocks;
import io.morgana.block.RamBlock;
import io.morgana.testkit.contract.BlockContract;
import io.morgana.xen.blkfront.blkback.XenBlkback;
import java.io.IOException;

/**
 * {@link XenBlkfront} passes {@link BlockContract} with what Linux blkback offers: indirect
 * descriptors ({@code feature-max-indirect-segments=256}) and a four-page ring
 * ({@code ring-page-order=2}).
 */
class XenBlkfrontIndirectContractTest extends BlockContract {

  @Override
  protected Block open(long sectors) throws IOException {
    return XenBlkfrontContractTest.open(RamBlock.create(sectors), XenBlkback.Features.LINUX, 2);
  }

  @Override
  protected Block openReadOnly(long sectors) throws IOException {
    return XenBlkfrontContractTest.open(Blocks.readOnly(RamBlock.create(sectors)), XenBlkback.Features.LINUX, 2);
  }
}
