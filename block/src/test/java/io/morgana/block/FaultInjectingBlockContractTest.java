package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.testkit.FaultInjectingBlock;
import io.morgana.testkit.contract.BlockContract;

/** The testkit's fault injector, with no fault configured, is an ordinary Block. */
class FaultInjectingBlockContractTest extends BlockContract {

  @Override
  protected Block open(long sectors) {
    return new FaultInjectingBlock(RamBlock.create(sectors));
  }

  @Override
  protected Block openReadOnly(long sectors) throws java.io.IOException {
    return Blocks.readOnly(open(sectors));
  }
}
