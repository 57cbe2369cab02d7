package io.morgana.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import io.morgana.api.Netif;
import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.BootKey;
import io.morgana.runtime.BootKeysModule;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.KernelComponent;
import io.morgana.runtime.Lifecycle;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TestKernelTest {

  /** What the application does in start(), chosen by --mode. */
  static final BootKey<String> MODE = BootKey.string("mode", "serve, finish-after-1s or throw", "serve");

  @Module(includes = BootKeysModule.class)
  static final class AppModule {
    private AppModule() {}

    @Provides
    @ElementsIntoSet
    static Set<BootKey<?>> keys() {
      return Set.of(MODE);
    }

    @Provides
    static Application application(Netif netif, EventLoop loop, BootArguments arguments) {
      String mode = arguments.get(MODE);
      return () -> {
        if (!loop.inLoop()) {
          throw new AssertionError("start() must run on the loop");
        }
        return switch (mode) {
          case "throw" -> throw new IOException("cannot start: no " + netif.mac());
          case "finish-after-1s" -> {
            CompletableFuture<String> done = new CompletableFuture<>();
            loop.schedule(loop.nowNanos() + Duration.ofSeconds(1).toNanos(), () -> done.complete("done"));
            yield done;
          }
          default -> new CompletableFuture<Void>();
        };
      };
    }
  }

  @Singleton
  @Component(modules = {AppModule.class, SwitchNetifModule.class})
  interface SwitchKernel extends KernelComponent {
    EthernetSwitch ethernet();

    Netif netif();

    @Component.Factory
    interface Factory {
      SwitchKernel create(
          @BindsInstance BootArguments arguments, @BindsInstance EventLoop loop, @BindsInstance Lifecycle lifecycle);
    }
  }

  @Test
  void aServerThatStartedIsRunning_onAPortOfTheComponentsSwitch() {
    TestKernel<SwitchKernel> kernel = TestKernel.boot(DaggerTestKernelTest_SwitchKernel.factory()::create);
    try (kernel) {
      assertTrue(kernel.isRunning());
      assertEquals(1, kernel.component().ethernet().ports().size());
      assertSame(kernel.component().ethernet().ports().getFirst(), kernel.component().netif());
      kernel.component().ethernet().newPort(); // a test attaches its own ports to the same link
    }
    assertThrows(IllegalStateException.class, () -> kernel.component().ethernet().newPort(), "closed by the lifecycle");
  }

  @Test
  void anApplicationThatFinishes_completesItsOutcomeInVirtualTime() throws Exception {
    try (var kernel = TestKernel.boot(DaggerTestKernelTest_SwitchKernel.factory()::create, "--mode=finish-after-1s")) {
      assertTrue(kernel.isRunning());
      kernel.advance(Duration.ofSeconds(1));
      assertFalse(kernel.isRunning());
      assertEquals("done", kernel.outcome().get());
      assertEquals("BootArguments[--mode=finish-after-1s]", kernel.arguments().toString());
    }
  }

  @Test
  void startThatThrows_isTheOutcomeNotAnExceptionInTheTest() {
    try (var kernel = TestKernel.boot(DaggerTestKernelTest_SwitchKernel.factory()::create, "--mode=throw")) {
      assertFalse(kernel.isRunning());
      IOException e = assertInstanceOf(IOException.class, kernel.failure());
      assertTrue(e.getMessage().startsWith("cannot start: no "), e.getMessage());
    }
  }

  @Test
  void argumentsTheComponentDoesNotAccept_areTheMessageKernelWouldPrint() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestKernel.boot(DaggerTestKernelTest_SwitchKernel.factory()::create, "--net=tap:x"));
    assertEquals("unknown boot argument --net in '--net=tap:x'", e.getMessage());
  }
}
