package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.testkit.contract.BlockContract;

/** The contract with 4 KiB sectors, where chunks and sectors line up differently. */
class RamBlock4096ContractTest extends BlockContract {

  @Override
  protected Block open(long sectors) {
    return RamBlock.create(4096, sectors);
  }

  @Override
  protected Block openReadOnly(long sectors) throws java.io.IOException {
    return Blocks.readOnly(RamBlock.create(4096, sectors));
  }
}
