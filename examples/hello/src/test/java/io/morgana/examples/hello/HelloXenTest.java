package io.morgana.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.morgana.console.xen.SimulatedXenConsoleBackendModule;
import io.morgana.console.xen.XenConsoleModule;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import io.morgana.xen.sim.SimBackend;
import io.morgana.xen.sim.SimulatedXenPlatformModule;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The hello kernel of {@link XenKernel} — {@code XenConsoleModule} on the simulated platform
 * module — on a {@link DeterministicLoop}, with a test module whose console backend writes to a
 * buffer instead of standard output: each line crosses the guest's console ring to the Java
 * backend in dom0 at its own virtual second.
 */
class HelloXenTest {

  /** The console backend of the simulated platform, writing to the component's output stream. */
  @Module
  interface BufferedConsoleBackendModule {
    @Provides
    @IntoSet
    static SimBackend consoleBackend(OutputStream output) {
      return SimulatedXenConsoleBackendModule.consoleBackend(output);
    }
  }

  @Singleton
  @Component(
      modules = {
        HelloModule.class,
        XenConsoleModule.class,
        SimulatedXenPlatformModule.class,
        BufferedConsoleBackendModule.class
      })
  interface TestXenKernel extends KernelComponent {
    @Component.Factory
    interface Factory {
      TestXenKernel create(
          @BindsInstance BootArguments arguments,
          @BindsInstance EventLoop loop,
          @BindsInstance Lifecycle lifecycle,
          @BindsInstance OutputStream backendOutput);
    }
  }

  @Test
  void helloXen_linesArriveInTheConsoleBackendOneSecondApart() throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    ByteArrayOutputStream backend = new ByteArrayOutputStream();
    try (Lifecycle lifecycle = new Lifecycle()) {
      Application hello = DaggerHelloXenTest_TestXenKernel.factory()
          .create(BootArguments.defaults(Kernel.STANDARD_KEYS), loop, lifecycle, backend)
          .application();
      assertInstanceOf(Hello.class, hello);
      CompletableFuture<?> done = hello.start().toCompletableFuture();
      loop.runUntilIdle();
      assertEquals("hello\n", backend.toString(StandardCharsets.UTF_8), "first line at t=0");
      loop.advance(Duration.ofSeconds(1));
      assertEquals("hello\nworld\n", backend.toString(StandardCharsets.UTF_8));
      loop.advance(Duration.ofSeconds(7));
      assertTrue(done.isDone());
      assertEquals("hello\nworld\n".repeat(4), backend.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theXenKernelAcceptsOnlyTheStandardKeys() throws Exception {
    assertEquals(Kernel.STANDARD_KEYS, Kernel.bootKeys(DaggerXenKernel.factory()::create));
  }
}
