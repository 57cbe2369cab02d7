package io.morgana.fs.fat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Block;
import io.morgana.api.Kv;
import io.morgana.block.RamBlockModule;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.fs.fat.FatRamDiskModule;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.Lifecycle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FatRamDiskModuleTest {

  @Singleton
  @Component(modules = {FatRamDiskModule.class, FatFsModule.class})
  interface Kernel {
    Kv kv();

    Block disk();

    Set<BootKey<?>> bootKeys();

    @Component.Factory
    interface Factory {
      Kernel create(@BindsInstance BootArguments arguments, @BindsInstance Lifecycle lifecycle);
    }
  }

  @Test
  void aFormattedRamDiskMountsAsKv_andTheLifecycleFreesIt() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    Kernel kernel = DaggerFatRamDiskModuleTest_Kernel.factory()
        .create(BootArguments.parse(RamBlockModule.KEYS, "--ram-disk-size=4M"), lifecycle);
    assertEquals(Set.copyOf(RamBlockModule.KEYS), kernel.bootKeys());
    assertEquals(4L << 20, kernel.disk().info().sizeBytes());
    kernel.kv().set("notes/1.txt", Unpooled.copiedBuffer("milk", StandardCharsets.UTF_8));
    ByteBuf v = kernel.kv().get("notes/1.txt").orElseThrow();
    try {
      assertEquals("milk", v.toString(StandardCharsets.UTF_8));
    } finally {
      v.release();
    }
    assertEquals(List.of(new Kv.Entry("1.txt", Kv.EntryKind.VALUE)), kernel.kv().list("notes"));
    lifecycle.close();
    assertThrows(Exception.class, () -> kernel.disk().read(0, Unpooled.buffer(512)));
  }
}
