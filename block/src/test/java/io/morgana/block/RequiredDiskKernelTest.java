package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Block;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A kernel with a network device and {@link FileBlockModule}, booted without {@code --disk}: the
 * required key is checked when the command line is, so the kernel says so in one line and exits
 * 2 before any device is opened (the case: a TAP device was created first, then a
 * 25-line stack trace and exit 1).
 */
class RequiredDiskKernelTest {

  /** Counts devices opened: a stand-in for a TAP device, which would need root. */
  static final AtomicInteger OPENED = new AtomicInteger();

  record ProbeDevice(String name) {}

  @Module(includes = BootKeysModule.class)
  static final class ProbeNetModule {
    static final BootKey<String> NET = BootKey.string("net", "network device", "tap:tap0");

    private ProbeNetModule() {}

    @Provides
    @ElementsIntoSet
    static Set<BootKey<?>> bootKeys() {
      return Set.of(NET);
    }

    @Provides
    @Singleton
    static ProbeDevice device(BootArguments arguments) {
      OPENED.incrementAndGet();
      return new ProbeDevice(arguments.get(NET));
    }

    @Provides
    static Application application(ProbeDevice device, Block disk) {
      return () -> CompletableFuture.completedFuture(null);
    }
  }

  @Singleton
  @Component(modules = {ProbeNetModule.class, FileBlockModule.class})
  interface NetAndDiskKernel extends KernelComponent {
    @Component.Factory
    interface Factory {
      NetAndDiskKernel create(
          @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
    }
  }

  @Test
  void missingDiskIsOneMessageAndExitStatus2BeforeAnyDeviceOpens() {
    OPENED.set(0);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int status;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      status = Kernel.run("notes", new String[] {"--net=tap:ntap0"}, DaggerRequiredDiskKernelTest_NetAndDiskKernel.factory()::create);
    } finally {
      System.setErr(saved);
    }
    String err = stderr.toString(StandardCharsets.UTF_8);
    assertEquals(Kernel.EXIT_USAGE, status, err);
    assertEquals(0, OPENED.get(), "no device may be opened before the command line is accepted");
    assertEquals(
        "notes: missing required boot argument --disk=VALUE (disk image file or block device)\n"
            + "try --help for the list of boot arguments\n",
        err);
    assertTrue(!err.contains("Exception"), err);
  }
}
