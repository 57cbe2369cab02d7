package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link Kernel#run} in this JVM: everything {@link Kernel#boot} does except exiting. */
class KernelTest {

  static final BootKey<Integer> TIMES = BootKey.integer("times", "how many ticks", 3);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  static final BootKey<String> DEVICE = BootKey.required("device", "the device to drive", text -> text);

  /** A component of one module contributing {@link #TIMES}: what Dagger generates, by hand. */
  private static KernelComponent component(Set<BootKey<?>> keys, Callable<Application> application) {
    return new KernelComponent() {
      @Override
      public Set<BootKey<?>> bootKeys() {
        return keys;
      }

      @Override
      public Application application() {
        try {
          return application.call();
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new java.io.UncheckedIOException(new java.io.IOException(e));
        }
      }
    };
  }

  /** Builds the application on the loop as {@code build} says, with {@link #TIMES} as the component's key. */
  private int run(AppBuilder build, String... argv) {
    return runWith(Set.of(TIMES), build, argv);
  }

  private int runWith(Set<BootKey<?>> keys, AppBuilder build, String... argv) {
    return Kernel.run(
        "test-kernel",
        argv,
        (arguments, loop, lifecycle) -> component(keys, () -> build.create(arguments, loop, lifecycle)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @FunctionalInterface
  private interface AppBuilder {
    Application create(BootArguments arguments, EventLoop loop, Lifecycle lifecycle) throws Exception;
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryKeyIncludingTheStandardOnes_andExitsZero() {
    int status = run((a, l, lc) -> { throw new AssertionError("must not build"); }, "--help");
    assertEquals(0, status);
    assertTrue(out().contains("usage: test-kernel"), out());
    assertTrue(out().contains("--times=VALUE") && out().contains("how many ticks (default: 3)"), out());
    assertTrue(out().contains("--logs=VALUE") && out().contains("(default: info)"), out());
    assertEquals("", err());
  }

  @Test
  void unknownKeyIsNamedOnStandardError_andExitsTwo() {
    int status = run((a, l, lc) -> { throw new AssertionError("must not build"); }, "--bogus=1");
    assertEquals(2, status);
    assertTrue(err().contains("--bogus"), err());
    assertTrue(err().contains("try --help"), err());
    assertEquals("", out());
  }

  @Test
  void helpListsAKeyContributedByTheComponent_requiredOnesMarked() {
    int status = runWith(Set.of(TIMES, DEVICE), (a, l, lc) -> { throw new AssertionError("must not build"); }, "--help");
    assertEquals(0, status);
    assertTrue(out().contains("--device=VALUE") && out().contains("the device to drive (required)"), out());
    assertTrue(out().indexOf("--device") < out().indexOf("--times") && out().indexOf("--times") < out().indexOf("--logs"), out());
  }

  @Test
  void missingRequiredKeyIsNamedOnStandardError_andExitsTwo() {
    int status = runWith(Set.of(TIMES, DEVICE), (a, l, lc) -> { throw new AssertionError("must not build"); }, "--times=2");
    assertEquals(2, status);
    assertTrue(err().contains("missing required boot argument --device"), err());
    assertEquals("", out());
  }

  @Test
  void aComponentThatReadsItsArgumentsBeforeTheyAreCheckedFailsWithExitOne() {
    int status = Kernel.run(
        "test-kernel",
        new String[] {"--logs=error"},
        (arguments, loop, lifecycle) -> {
          arguments.get(TIMES); // too early: the command line is not checked yet
          return component(Set.of(TIMES), () -> () -> CompletableFuture.completedFuture(null));
        },
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, status);
  }

  @Test
  void malformedValueExitsTwo() {
    assertEquals(2, run((a, l, lc) -> () -> CompletableFuture.completedFuture(null), "--times=many"));
    assertTrue(err().contains("--times") && err().contains("'many'"), err());
  }

  @Test
  void applicationThatFinishesExitsZero_afterClosingResourcesInReverseOrder() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    int status =
        run(
            (arguments, loop, lifecycle) -> {
              // Built off the loop (building may block: devices, file systems), blocking allowed.
              LoopBridge.checkBlockingAllowed("Block.read");
              events.add("build off the loop=" + !Thread.currentThread().getName().equals("test-kernel")
                  + " times=" + arguments.get(TIMES));
              lifecycle.onShutdown(() -> events.add("close first"));
              lifecycle.onShutdown(() -> events.add("close second"));
              return () -> {
                CompletableFuture<Void> done = new CompletableFuture<>();
                tick(loop, arguments.get(TIMES), events, done);
                return done;
              };
            },
            "--times=2",
            "--logs=warn");
    assertEquals(0, status, err());
    assertEquals(
        List.of(
            "build off the loop=true times=2",
            "tick in loop=true",
            "tick in loop=true",
            "close second",
            "close first"),
        events);
  }

  private static void tick(EventLoop loop, int left, List<String> events, CompletableFuture<Void> done) {
    if (left == 0) {
      done.complete(null);
      return;
    }
    events.add("tick in loop=" + loop.inLoop());
    loop.schedule(loop.nowNanos() + 1_000_000, () -> tick(loop, left - 1, events, done));
  }

  @Test
  void applicationThatFailsExitsOne_andResourcesAreStillClosed() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    int status =
        run(
            (arguments, loop, lifecycle) -> {
              lifecycle.onShutdown(() -> events.add("closed"));
              return () -> CompletableFuture.failedFuture(new IllegalStateException("failure expected by the test"));
            },
            "--logs=error");
    assertEquals(1, status);
    assertEquals(List.of("closed"), events);
  }

  @Test
  void factoryThatThrowsExitsOne_andWhatItRegisteredIsClosed() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    int status =
        run(
            (arguments, loop, lifecycle) -> {
              lifecycle.onShutdown(() -> events.add("closed"));
              throw new java.io.IOException("no such device (expected by the test)");
            },
            "--logs=error");
    assertEquals(1, status);
    assertEquals(List.of("closed"), events);
  }

  @Test
  void aDeviceThatCannotBeUsed_isOneLineWithItsNextStep_noStackTrace() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = run(
          (arguments, loop, lifecycle) -> {
            throw new java.io.UncheckedIOException("cannot mount FAT volume on RamBlock[8 MiB]",
                new java.io.IOException("not a FAT volume: boot sector starts with 0x0; to format it, run: fat mkfs IMAGE SIZE"));
          },
          "--logs=error");
    } finally {
      System.setErr(saved);
    }
    assertEquals(1, status);
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("kernel test-kernel could not build its application: cannot mount FAT volume on RamBlock[8 MiB]:"
        + " not a FAT volume: boot sector starts with 0x0; to format it, run: fat mkfs IMAGE SIZE"), text);
    assertTrue(!text.contains("\tat "), "no stack trace at the default level:\n" + text);
  }

  @Test
  void describeJoinsTheCauseChain_skippingWrappersThatRepeatTheirCause() {
    java.io.IOException cause = new java.io.IOException("no such file");
    assertEquals("no such file", Kernel.describe(new java.io.UncheckedIOException(cause)));
    assertEquals("opening disk.img: no such file", Kernel.describe(new RuntimeException("opening disk.img", cause)));
    assertEquals("java.lang.IllegalStateException", Kernel.describe(new IllegalStateException()));
    assertTrue(Kernel.isEnvironmentFailure(new RuntimeException(cause)));
    assertTrue(!Kernel.isEnvironmentFailure(new NullPointerException("a bug")));
  }

  @Test
  void startThatThrowsExitsOne() {
    int status =
        run(
            (arguments, loop, lifecycle) -> () -> {
              throw new IllegalStateException("start failure expected by the test");
            },
            "--logs=error");
    assertEquals(1, status);
  }

  @Test
  void keyClashingWithAStandardKeyIsAProgrammingError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> runWith(Set.of(BootKey.string("logs", "mine", "")), (a, l, lc) -> () -> CompletableFuture.completedFuture(null)));
  }
}
