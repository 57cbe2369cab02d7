package io.morgana.testkit.contract;

import io.morgana.api.Block;

/** {@link BlockContract} holds for a small correct RAM disk (512- and 4096-byte sectors). */
class InMemoryBlockContractTest extends BlockContract {

  @Override
  protected Block open(long sectors) {
    return new InMemoryBlock(512, sectors, true);
  }

  @Override
  protected Block openReadOnly(long sectors) {
    return new InMemoryBlock(512, sectors, false);
  }

}
