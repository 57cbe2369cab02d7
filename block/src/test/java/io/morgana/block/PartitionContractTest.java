package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.block.wire.GptEntry;
import io.morgana.testkit.contract.BlockContract;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/** A GPT partition, opened through {@link Partitions}, between two others that must stay untouched. */
class PartitionContractTest extends BlockContract {

  @Override
  protected Block open(long sectors) throws IOException {
    long disk = 34 + 10 + sectors + 10 + 33;
    RamBlock ram = RamBlock.create(disk);
    Gpt.forDisk(disk, 512, UUID.randomUUID(), List.of(
        new Gpt.Slot(0, new GptEntry(Gpt.TYPE_LINUX_FILESYSTEM, UUID.randomUUID(), 34, 43, 0, "before")),
        new Gpt.Slot(1, new GptEntry(Gpt.TYPE_LINUX_FILESYSTEM, UUID.randomUUID(), 44, 44 + sectors - 1, 0, "under test")),
        new Gpt.Slot(2, new GptEntry(Gpt.TYPE_LINUX_FILESYSTEM, UUID.randomUUID(), 44 + sectors, 53 + sectors, 0, "after"))))
        .write(ram);
    return Partitions.open(ram, 2);
  }

  @Override
  protected Block openReadOnly(long sectors) throws IOException {
    return Blocks.readOnly(open(sectors));
  }
}
