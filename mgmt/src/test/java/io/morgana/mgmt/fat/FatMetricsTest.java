package io.morgana.mgmt.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import io.morgana.api.Kv;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.fs.fat.FatRamDiskModule;
import io.morgana.mgmt.Management;
import io.morgana.mgmt.ManagementModule;
import io.morgana.mgmt.ManagementRequest;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.testkit.TestKernel;
import io.netty.buffer.Unpooled;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A kernel with a FAT RAM disk shows the disk's size and the volume's free space, which shrinks as files are written. */
class FatMetricsTest {

  @Module
  static final class AppModule {
    @Provides
    static Application app() {
      return () -> new CompletableFuture<>();
    }
  }

  @Singleton
  @Component(modules = {AppModule.class, FatRamDiskModule.class, FatFsModule.class, ManagementModule.class,
      FatManagementModule.class})
  interface FatKernel extends KernelComponent {
    Management management();

    Kv kv();

    @Component.Factory
    interface Factory {
      FatKernel create(@BindsInstance BootArguments a, @BindsInstance EventLoop loop, @BindsInstance Lifecycle l);
    }
  }

  @Test
  void sizeAndFreeSpaceAreMetricsAndFreeSpaceShrinksWithAFile() throws Exception {
    try (TestKernel<FatKernel> kernel = TestKernel.boot(DaggerFatMetricsTest_FatKernel.factory()::create,
        "--ram-disk-size=4M", "--mgmt-open-metrics")) {
      var requests = kernel.component().management().requests();
      String before = requests.handle(ManagementRequest.of("GET", "/metrics", Map.of())).bodyText();
      assertTrue(before.contains("morgana_block_size_bytes 4194304"), before);
      assertTrue(before.contains("morgana_block_read_only 0"), before);
      double free = value(before, "morgana_fat_free_bytes{type=\"fat12\"}");
      kernel.component().kv().set("big.bin", Unpooled.wrappedBuffer(new byte[256 * 1024]));
      String after = requests.handle(ManagementRequest.of("GET", "/metrics", Map.of())).bodyText();
      assertEquals(free - 256 * 1024, value(after, "morgana_fat_free_bytes{type=\"fat12\"}"), 64 * 1024);
    }
  }

  static double value(String exposition, String series) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).split(" ")[0]);
      }
    }
    throw new AssertionError(series + " not in\n" + exposition);
  }
}
