package io.morgana.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.Application;
import io.morgana.runtime.BootArguments;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.Kernel;
import io.morgana.runtime.Lifecycle;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The hello kernel built with {@code XenConsoleModule} ({@link XenKernel}) on the simulated
 * hypervisor and a {@link DeterministicLoop}: each line crosses the guest's console ring to the
 * Java backend in dom0 at its own virtual second.
 */
class HelloXenTest {

  @Test
  void helloXen_linesArriveInTheConsoleBackendOneSecondApart() throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    ByteArrayOutputStream backend = new ByteArrayOutputStream();
    try (Lifecycle lifecycle = new Lifecycle()) {
      Application hello = HelloXen.onSimulatedXen(BootArguments.defaults(Kernel.STANDARD_KEYS), loop, lifecycle, backend).application();
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
}
