package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.testkit.contract.BlockContract;

class RamBlockContractTest extends BlockContract {

  @Override
  protected Block open(long sectors) {
    return RamBlock.create(sectors);
  }

  @Override
  protected Block openReadOnly(long sectors) throws java.io.IOException {
    return Blocks.readOnly(RamBlock.create(sectors));
  }
}
