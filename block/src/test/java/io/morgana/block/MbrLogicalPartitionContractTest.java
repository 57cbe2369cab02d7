package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.block.wire.MbrEntry;
import io.morgana.testkit.contract.BlockContract;
import java.io.IOException;
import java.util.List;

/** An MBR logical partition inside an extended one, opened through {@link Partitions}. */
class MbrLogicalPartitionContractTest extends BlockContract {

  @Override
  protected Block open(long sectors) throws IOException {
    RamBlock ram = RamBlock.create(100 + 1 + sectors + 50);
    new Mbr(0x1234, List.of(new MbrEntry(false, 0x83, 1, 99), new MbrEntry(false, 0x0f, 100, 1 + sectors + 50),
        MbrEntry.EMPTY, MbrEntry.EMPTY),
        List.of(new Mbr.Logical(100, new MbrEntry(false, 0x0c, 101, sectors)))).write(ram);
    return Partitions.open(ram, 5);
  }

  @Override
  protected Block openReadOnly(long sectors) throws java.io.IOException {
    return Blocks.readOnly(open(sectors));
  }
}
