package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.runtime.BootArgumentException;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.Lifecycle;
import io.netty.buffer.Unpooled;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockModulesTest {

  @Singleton
  @Component(modules = FileBlockModule.class)
  interface FileKernel {
    Block disk();

    Set<BootKey<?>> bootKeys();

    @Component.Factory
    interface Factory {
      FileKernel create(@BindsInstance BootArguments arguments, @BindsInstance Lifecycle lifecycle);
    }
  }

  @Singleton
  @Component(modules = RamBlockModule.class)
  interface RamKernel {
    Block disk();

    Set<BootKey<?>> bootKeys();

    @Component.Factory
    interface Factory {
      RamKernel create(@BindsInstance BootArguments arguments, @BindsInstance Lifecycle lifecycle);
    }
  }

  @TempDir Path dir;

  @Test
  void eachModuleContributesItsBootKeysToTheComponent() {
    try (Lifecycle lifecycle = new Lifecycle()) {
      // Creating the component reads no argument (Dagger is lazy): the keys come first.
      assertEquals(Set.copyOf(FileBlockModule.KEYS),
          DaggerBlockModulesTest_FileKernel.factory().create(BootArguments.defaults(List.of()), lifecycle).bootKeys());
      assertEquals(Set.copyOf(RamBlockModule.KEYS),
          DaggerBlockModulesTest_RamKernel.factory().create(BootArguments.defaults(List.of()), lifecycle).bootKeys());
    }
  }

  @Test
  void fileBlockModule_opensTheDiskFromBootArguments_andLifecycleClosesIt() throws Exception {
    Path img = dir.resolve("disk.img");
    FileBlock.create(img, 1 << 20).close();
    BootArguments args = BootArguments.parse(FileBlockModule.KEYS, "--disk=" + img, "--disk-sync=none");
    Lifecycle lifecycle = new Lifecycle();
    FileKernel kernel = DaggerBlockModulesTest_FileKernel.factory().create(args, lifecycle);
    Block disk = kernel.disk();
    assertSame(disk, kernel.disk(), "one disk per component");
    FileBlock file = assertInstanceOf(FileBlock.class, disk);
    assertEquals(DiskSync.NONE, file.sync());
    assertEquals(2048, disk.info().sectorCount());
    assertTrue(disk.info().readWrite());
    assertThrows(BlockException.class, () -> FileBlock.open(img), "locked while the kernel runs");
    lifecycle.close();
    assertThrows(BlockException.class, () -> disk.read(0, Unpooled.buffer(512)));
    FileBlock.open(img).close(); // released at shutdown
  }

  @Test
  void fileBlockModule_readOnlyFlag() throws Exception {
    Path img = dir.resolve("disk.img");
    FileBlock.create(img, 4096).close();
    BootArguments args = BootArguments.parse(FileBlockModule.KEYS, "--disk=" + img, "--disk-readonly");
    try (Lifecycle lifecycle = new Lifecycle()) {
      Block disk = DaggerBlockModulesTest_FileKernel.factory().create(args, lifecycle).disk();
      assertFalse(disk.info().readWrite());
      assertEquals(DiskSync.FLUSH, ((FileBlock) disk).sync(), "flush is the default");
    }
  }

  @Test
  void fileBlockModule_missingDiskOrBadSync_areClearErrors() {
    BootArgumentException none = assertThrows(BootArgumentException.class, () -> BootArguments.parse(FileBlockModule.KEYS));
    assertTrue(none.getMessage().contains("missing required boot argument --disk"), none.getMessage());
    try (Lifecycle lifecycle = new Lifecycle()) {
      BootArguments missingFile = BootArguments.parse(FileBlockModule.KEYS, "--disk=" + dir.resolve("nope.img"));
      UncheckedIOException missing = assertThrows(UncheckedIOException.class,
          () -> DaggerBlockModulesTest_FileKernel.factory().create(missingFile, lifecycle).disk());
      assertInstanceOf(BlockException.class, missing.getCause());
    } catch (BootArgumentException e) {
      throw new AssertionError(e);
    }
    BootArgumentException bad = assertThrows(BootArgumentException.class,
        () -> BootArguments.parse(FileBlockModule.KEYS, "--disk-sync=often"));
    assertTrue(bad.getMessage().contains("often"), bad.getMessage());
  }

  @Test
  void ramBlockModule_sizesTheDiskFromBootArguments() throws Exception {
    try (Lifecycle lifecycle = new Lifecycle()) {
      Block dflt = DaggerBlockModulesTest_RamKernel.factory().create(BootArguments.defaults(RamBlockModule.KEYS), lifecycle).disk();
      assertEquals(64L << 20, dflt.info().sizeBytes());
      BootArguments args = BootArguments.parse(RamBlockModule.KEYS, "--ram-disk-size=8M", "--ram-disk-sector-size=4096");
      Block disk = DaggerBlockModulesTest_RamKernel.factory().create(args, lifecycle).disk();
      assertEquals(4096, disk.info().sectorSize());
      assertEquals(2048, disk.info().sectorCount());
    }
    assertThrows(BootArgumentException.class, () -> BootArguments.parse(RamBlockModule.KEYS, "--ram-disk-size=lots"));
    assertThrows(BootArgumentException.class, () -> BootArguments.parse(RamBlockModule.KEYS, "--ram-disk-sector-size=1000"));
  }

  @Test
  void byteSizes_parseSuffixes() {
    assertEquals(4096, ByteSizes.parse("4096"));
    assertEquals(64 << 10, ByteSizes.parse("64K"));
    assertEquals(64L << 20, ByteSizes.parse("64MiB"));
    assertEquals(1L << 30, ByteSizes.parse("1g"));
    assertEquals(3L << 40, ByteSizes.parse("3TB"));
    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(""));
    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("-1"));
    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("12Q"));
    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("99999999999T"));
  }
}
