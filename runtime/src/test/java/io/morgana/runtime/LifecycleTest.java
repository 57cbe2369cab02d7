package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  @Test
  void closesInReverseOrderOfRegistration_evenWhenOneThrows() {
    List<String> closed = new ArrayList<>();
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.onShutdown(() -> closed.add("first"));
    lifecycle.onShutdown(
        () -> {
          closed.add("second");
          throw new IllegalStateException("close failure (expected by the test)");
        });
    lifecycle.onShutdown(() -> closed.add("third"));
    assertFalse(lifecycle.isClosed());
    lifecycle.close();
    assertTrue(lifecycle.isClosed());
    assertEquals(List.of("third", "second", "first"), closed);
    lifecycle.close();
    assertEquals(3, closed.size());
  }

  @Test
  void registeringAfterShutdownClosesAtOnce() {
    List<String> closed = new ArrayList<>();
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.close();
    lifecycle.onShutdown(() -> closed.add("late"));
    assertEquals(List.of("late"), closed);
  }
}
