package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LoopBridgeTest {

  @Test
  void aBlockingCallOnTheKernelLoopFailsAtOnceNamingTheCall() throws Exception {
    try (KernelLoop loop = new KernelLoop("bridge-test")) {
      loop.start();
      LoopBridge bridge = new LoopBridge(loop);
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      loop.execute(() -> {
        try {
          bridge.call("Kv.get", f -> f.complete("never"));
          thrown.complete(null);
        } catch (Throwable t) {
          thrown.complete(t);
        }
      });
      Throwable t = thrown.get(10, TimeUnit.SECONDS);
      IllegalStateException e = assertInstanceOf(IllegalStateException.class, t);
      assertTrue(e.getMessage().startsWith("Kv.get blocks and was called on kernel loop thread 'bridge-test'"), e.getMessage());
      assertTrue(e.getMessage().contains("offload"), e.getMessage());
    }
  }

  @Test
  void aBlockingCallFromAnApplicationThreadWaitsForTheLoop() throws Exception {
    try (KernelLoop loop = new KernelLoop("bridge-test")) {
      loop.start();
      LoopBridge bridge = new LoopBridge(loop);
      AtomicReference<Boolean> startedOnLoop = new AtomicReference<>();
      String value = bridge.call("Test.get", f -> {
        startedOnLoop.set(loop.inLoop());
        loop.schedule(loop.nowNanos() + 1_000_000, () -> f.complete("done"));
      });
      assertEquals("done", value);
      assertTrue(startedOnLoop.get());
      IOException failure = assertThrows(IOException.class,
          () -> bridge.call("Test.fail", f -> f.completeExceptionally(new IOException("disk on fire"))));
      assertEquals("disk on fire", failure.getMessage());
    }
  }

  @Test
  void offloadedWorkRunsOffTheLoopAndCompletesOnIt() throws Exception {
    try (KernelLoop loop = new KernelLoop("bridge-test")) {
      loop.start();
      LoopBridge bridge = new LoopBridge(loop);
      CompletableFuture<List<Boolean>> seen = new CompletableFuture<>();
      loop.execute(() -> bridge.offload(() -> {
            LoopBridge.checkBlockingAllowed("Block.read"); // allowed here
            return loop.inLoop();
          })
          .thenAccept(workOnLoop -> seen.complete(List.of(workOnLoop, loop.inLoop()))));
      assertEquals(List.of(false, true), seen.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void onADeterministicLoopATestThreadsBlockingCallDrivesVirtualTime() throws IOException {
    DeterministicLoop loop = new DeterministicLoop();
    LoopBridge bridge = new LoopBridge(loop);
    long start = loop.nowNanos();
    int answer = bridge.call("Test.slow", f -> loop.schedule(start + Duration.ofSeconds(60).toNanos(), () -> f.complete(42)));
    assertEquals(42, answer);
    assertEquals(Duration.ofSeconds(60).toNanos(), loop.nowNanos() - start);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> bridge.call("Flow.read", f -> {}));
    assertTrue(e.getMessage().startsWith("Flow.read would wait forever"), e.getMessage());
  }

  @Test
  void onADeterministicLoopOffloadedWorkRunsInATurnAndItsBlockingCallsTakeVirtualTime() {
    DeterministicLoop loop = new DeterministicLoop();
    LoopBridge bridge = new LoopBridge(loop);
    List<String> events = new ArrayList<>();
    loop.execute(() -> bridge.offload(() -> {
          synchronized (events) {
            events.add("work starts at " + loop.nowNanos());
          }
          // A blocking call from offloaded work: answered by a loop timer 5 virtual seconds later.
          String v = bridge.call("Test.wait", f -> loop.schedule(loop.nowNanos() + 5_000_000_000L, () -> f.complete("tick")));
          synchronized (events) {
            events.add("work got " + v + " at " + loop.nowNanos());
          }
          return v.length();
        })
        .thenAccept(n -> events.add("completed with " + n + " on loop=" + loop.inLoop() + " at " + loop.nowNanos())));
    loop.runUntilIdle();
    assertEquals(List.of("work starts at 0"), events);
    assertEquals(1, loop.offloadsInProgress());
    loop.advance(Duration.ofSeconds(4));
    assertEquals(1, events.size());
    loop.advance(Duration.ofSeconds(1));
    assertEquals(List.of("work starts at 0", "work got tick at 5000000000", "completed with 4 on loop=true at 5000000000"), events);
    assertEquals(0, loop.offloadsInProgress());
  }

  @Test
  void offloadedFailuresCompleteTheStageExceptionally() {
    DeterministicLoop loop = new DeterministicLoop();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    loop.offload(() -> {
      throw new IOException("no such file");
    }).whenComplete((v, t) -> failure.set(t));
    loop.runUntilIdle();
    assertEquals("no such file", failure.get().getMessage());
    assertFalse(LoopBridge.onAnyLoopThread());
  }

  private static <T> T assertInstanceOf(Class<T> type, Object o) {
    return org.junit.jupiter.api.Assertions.assertInstanceOf(type, o);
  }
}
