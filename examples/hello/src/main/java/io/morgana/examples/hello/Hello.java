package io.morgana.examples.hello;

import io.morgana.api.Console;
import io.morgana.runtime.Application;
import io.morgana.runtime.EventLoop;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * MirageOS's first unikernel ({@code mirage-skeleton/tutorial/hello}): prints {@code hello} and
 * {@code world} alternately, four times each, one second apart, then finishes.
 *
 * <p>It knows only the {@link Console} and the {@link EventLoop}; time comes from the loop, so the
 * same class prints to standard output in {@link HelloUnix} and to a recording console on virtual
 * time in its test. Lines are due at {@code start + i} seconds exactly — a late line does not
 * delay the next.
 */
public final class Hello implements Application {

  /** The lines, in order. */
  static final String[] WORDS = {"hello", "world"};
  /** How many lines: four of each word. */
  static final int LINES = 8;
  /** Between two lines. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private final Console console;
  private final EventLoop loop;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private long startNanos;

  @Inject
  public Hello(Console console, EventLoop loop) {
    this.console = console;
    this.loop = loop;
  }

  /** Prints the first line now and schedules the others; completes after the eighth. */
  @Override
  public CompletionStage<Void> start() {
    startNanos = loop.nowNanos();
    line(0);
    return done;
  }

  private void line(int i) {
    try {
      console.log(WORDS[i % WORDS.length]);
    } catch (IOException e) {
      done.completeExceptionally(e);
      return;
    }
    if (i + 1 == LINES) {
      done.complete(null);
      return;
    }
    loop.schedule(startNanos + (i + 1) * INTERVAL.toNanos(), () -> line(i + 1));
  }
}
