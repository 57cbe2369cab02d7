package io.morgana.testkit.contract;

import io.morgana.api.Block;

/** {@link BlockContract} with 4 KiB sectors. */
class InMemoryBlock4kContractTest extends BlockContract {

  @Override
  protected Block open(long sectors) {
    return new InMemoryBlock(4096, sectors, true);
  }

  @Override
  protected Block openReadOnly(long sectors) {
    return new InMemoryBlock(4096, sectors, false);
  }
}
