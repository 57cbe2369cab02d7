package io.morgana.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Console;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.EventLoop;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Hello on virtual time: eight seconds of the application in milliseconds of test. */
class HelloTest {

  private static final long S = 1_000_000_000L;

  /** A console that records each line with the loop time at which it was written. */
  static final class RecordingConsole implements Console {
    final EventLoop loop;
    final List<String> lines = new ArrayList<>();
    int failAtLine = -1;

    RecordingConsole(EventLoop loop) {
      this.loop = loop;
    }

    @Override
    public void write(ByteBuf bytes) {
      bytes.release();
      throw new UnsupportedOperationException("hello only logs lines");
    }

    @Override
    public void log(String line) throws IOException {
      if (lines.size() == failAtLine) {
        throw new IOException("console gone (simulated)");
      }
      lines.add(loop.nowNanos() + " " + line);
    }

    @Override
    public ByteBuf read() {
      return null;
    }

    @Override
    public void close() {}
  }

  private final DeterministicLoop loop = new DeterministicLoop();
  private final RecordingConsole console = new RecordingConsole(loop);

  @Test
  void printsHelloAndWorldAlternately_fourTimesEach_oneSecondApart_thenFinishes() {
    loop.advance(Duration.ofSeconds(5)); // start at a time that is not 0
    CompletableFuture<?> done = new Hello(console, loop).start().toCompletableFuture();
    assertEquals(List.of(5 * S + " hello"), console.lines, "the first line comes at start");
    loop.advance(Duration.ofMillis(6_999));
    assertEquals(7, console.lines.size(), "the eighth line is not due before start + 7 s");
    assertFalse(done.isDone());
    loop.advance(Duration.ofMillis(1));
    assertEquals(
        List.of(
            5 * S + " hello",
            6 * S + " world",
            7 * S + " hello",
            8 * S + " world",
            9 * S + " hello",
            10 * S + " world",
            11 * S + " hello",
            12 * S + " world"),
        console.lines);
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
    loop.advance(Duration.ofSeconds(60));
    assertEquals(8, console.lines.size(), "nothing after the eighth line");
    assertEquals(Long.MAX_VALUE, loop.nextDeadlineNanos(), "no timer left behind");
  }

  @Test
  void aLateLoopDoesNotDelayLaterLines() {
    Hello hello = new Hello(console, loop);
    hello.start();
    // The loop jumps 2.5 s at once: the lines due at 1 s and 2 s come at their own times.
    loop.advance(Duration.ofMillis(2_500));
    assertEquals(List.of("0 hello", S + " world", 2 * S + " hello"), console.lines);
  }

  @Test
  void consoleFailureFinishesTheApplicationWithThatFailure() {
    console.failAtLine = 3;
    CompletableFuture<?> done = new Hello(console, loop).start().toCompletableFuture();
    loop.advance(Duration.ofSeconds(10));
    assertEquals(3, console.lines.size());
    assertTrue(done.isCompletedExceptionally());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, done::get);
    assertInstanceOf(IOException.class, e.getCause());
  }
}
