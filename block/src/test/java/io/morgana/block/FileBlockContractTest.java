package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.testkit.contract.BlockContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class FileBlockContractTest extends BlockContract {

  @TempDir Path dir;
  private final AtomicInteger n = new AtomicInteger();

  @Override
  protected Block open(long sectors) throws IOException {
    return FileBlock.options().create(sectors * 512).sync(DiskSync.FLUSH).open(dir.resolve("disk" + n.incrementAndGet() + ".img"));
  }

  @Override
  protected Block openReadOnly(long sectors) throws IOException {
    Path img = dir.resolve("ro" + n.incrementAndGet() + ".img");
    FileBlock.create(img, sectors * 512).close();
    return FileBlock.openReadOnly(img);
  }
}
