package io.morgana.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import io.morgana.api.Console;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.KernelFactory;
import io.morgana.runtime.Lifecycle;
import io.netty.buffer.ByteBuf;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Hello booted the way {@link HelloUnix} boots it — a {@link KernelFactory} over a Dagger
 * component that takes the boot arguments, loop and lifecycle — but with a test component: a
 * recording console instead of standard output, a {@link DeterministicLoop} instead of the kernel
 * loop. The application class is the same; only the component differs.
 */
class TestKernelTest {

  @Singleton
  static final class RecordingConsole implements Console {
    final EventLoop loop;
    final List<String> lines = new ArrayList<>();
    boolean closed;

    @Inject
    RecordingConsole(EventLoop loop, Lifecycle lifecycle) {
      this.loop = loop;
      lifecycle.onShutdown(this);
    }

    @Override
    public void write(ByteBuf bytes) {
      lines.add(loop.nowNanos() / 1_000_000 + "ms " + bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
      bytes.release();
    }

    @Override
    public void log(String line) {
      lines.add(loop.nowNanos() / 1_000_000 + "ms " + line);
    }

    @Override
    public ByteBuf read() {
      return null;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Module
  interface RecordingConsoleModule {
    @Binds
    Console console(RecordingConsole console);
  }

  @Singleton
  @Component(modules = {HelloModule.class, RecordingConsoleModule.class})
  interface TestKernel extends KernelComponent {

    RecordingConsole console();

    @Component.Factory
    interface Factory {
      TestKernel create(
          @BindsInstance BootArguments arguments,
          @BindsInstance EventLoop loop,
          @BindsInstance Lifecycle lifecycle);
    }
  }

  @Test
  void helloBootsOnADeterministicLoopThroughATestComponent() throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    List<TestKernel> built = new ArrayList<>();
    KernelFactory<TestKernel> factory =
        (arguments, l, lifecycle) -> {
          TestKernel kernel = DaggerTestKernelTest_TestKernel.factory().create(arguments, l, lifecycle);
          built.add(kernel);
          return kernel;
        };
    RecordingConsole console;
    try (Lifecycle lifecycle = new Lifecycle()) {
      TestKernel kernel = factory.create(BootArguments.defaults(Kernel.bootKeys(factory)), loop, lifecycle);
      Application hello = kernel.application();
      assertTrue(hello instanceof Hello);
      console = kernel.console();
      CompletableFuture<?> done = hello.start().toCompletableFuture();
      loop.advance(Duration.ofSeconds(8));
      assertTrue(done.isDone());
      assertEquals(
          List.of(
              "0ms hello", "1000ms world", "2000ms hello", "3000ms world",
              "4000ms hello", "5000ms world", "6000ms hello", "7000ms world"),
          console.lines);
    }
    assertTrue(console.closed, "the lifecycle closed the console");
  }
}
