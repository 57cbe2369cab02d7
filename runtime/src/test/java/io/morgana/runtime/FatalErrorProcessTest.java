package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail fast (issue 8), as real processes: a child JVM with a small heap ({@link FatalKernelMain})
 * whose loop hits a {@link StackOverflowError} or runs out of memory must end, non-zero, with
 * one clear line on standard error — not live on without its loop — and a SIGTERM after such a
 * failure must still end it. Time-outs are generous; nothing here asserts a duration.
 */
class FatalErrorProcessTest {

  private static final long TIMEOUT_S = 60;

  @TempDir Path temp;

  private record Child(Process process, BufferedReader stdout, Path stderr) {
    String log() throws IOException {
      return Files.readString(stderr);
    }
  }

  private Child start(String mode) throws IOException {
    Path stderr = temp.resolve(mode + ".stderr");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx32m",
                    "-Xss512k",
                    "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    FatalKernelMain.class.getName(),
                    mode))
            .redirectError(stderr.toFile())
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Child child = new Child(p, out, stderr);
    assertEquals("started", out.readLine(), "the kernel started; stderr:\n" + child.log());
    return child;
  }

  /** Tells the child to fail now. */
  private static void fail(Child child) throws IOException {
    OutputStream in = child.process().getOutputStream();
    in.write('\n');
    in.flush();
  }

  private static void assertEndsNonZero(Child child) throws Exception {
    boolean ended = child.process().waitFor(TIMEOUT_S, TimeUnit.SECONDS);
    if (!ended) {
      child.process().destroyForcibly();
    }
    assertTrue(ended, "the process lived on after its fatal error; stderr:\n" + child.log());
    assertEquals(Kernel.EXIT_FAILURE, child.process().exitValue(), child.log());
  }

  /** Runs MODE to its fatal error; returns standard error after checking the exit and the line. */
  private String failFatally(String mode, String error, String where) throws Exception {
    Child child = start(mode);
    fail(child);
    assertEndsNonZero(child);
    String log = child.log();
    assertTrue(log.contains("fatal-test: fatal " + error), log);
    assertTrue(log.contains(" on " + where + "; the kernel stops (exit status 1)"), log);
    return log;
  }

  @Test
  void stackOverflowOnTheLoopEndsTheKernelWithOneClearMessage() throws Exception {
    String log = failFatally("stack-overflow", "java.lang.StackOverflowError", "the kernel loop");
    assertTrue(log.contains("kernel fatal-test shut down"), "the orderly exit ran:\n" + log);
  }

  @Test
  void outOfMemoryOnTheLoopEndsTheKernelWithOneClearMessage() throws Exception {
    failFatally("oom", "java.lang.OutOfMemoryError", "the kernel loop");
  }

  @Test
  void uncaughtOutOfMemoryOnAnotherThreadEndsTheKernelToo() throws Exception {
    failFatally("oom-elsewhere", "java.lang.OutOfMemoryError", "thread leaker");
  }

  @Test
  void sigtermAfterAnOutOfMemoryStillEndsTheProcess() throws Exception {
    // A device that never closes holds up the orderly exit; the heap stays full of the leak.
    Child child = start("oom-hung-close");
    fail(child);
    String log = "";
    for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        !log.contains("the kernel stops") && System.nanoTime() < until; ) {
      Thread.sleep(50);
      log = child.log();
    }
    assertTrue(log.contains("fatal-test: fatal java.lang.OutOfMemoryError"), log);
    child.process().destroy(); // SIGTERM
    assertEndsNonZero(child);
    log = child.log();
    // The JVM dispatched the signal (it starts a thread: the dropped reserve left room for it).
    assertTrue(log.contains("received a termination signal"), log);
    assertFalse(log.contains("occurred dispatching signal"), log);
  }
}
