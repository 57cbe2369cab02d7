package io.morgana.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HelloUnix} as a real process: a child JVM on the test class path (the jar itself is
 * built after the tests, in the package phase). A full run takes about seven seconds of real
 * time, one second per line.
 */
class HelloUnixProcessTest {

  private static final long TIMEOUT_S = 120;

  @TempDir Path temp;

  record Run(int status, String stdout, String stderr) {}

  private Process start(Path stderr, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(HelloUnix.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectError(stderr.toFile())
        .start();
  }

  private Run run(String... args) throws Exception {
    Path stderr = temp.resolve("stderr.txt");
    Process p = start(stderr, args);
    p.getOutputStream().close();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "hello did not exit");
    return new Run(p.exitValue(), stdout, Files.readString(stderr));
  }

  @Test
  void printsExactlyTheEightLinesOnStandardOutput_logsOnStandardError_andExitsZero() throws Exception {
    Run run = run();
    assertEquals(0, run.status(), run.stderr());
    assertEquals("hello\nworld\n".repeat(4), run.stdout(), "stderr:\n" + run.stderr());
    assertTrue(run.stderr().contains("kernel hello shut down"), run.stderr());
  }

  @Test
  void unknownBootArgumentIsNamed_andExitsTwo() throws Exception {
    Run run = run("--bogus=1");
    assertEquals(2, run.status());
    assertEquals("", run.stdout());
    assertTrue(run.stderr().contains("--bogus"), run.stderr());
    assertTrue(run.stderr().contains("try --help"), run.stderr());
  }

  @Test
  void helpListsTheKeys_andExitsZero() throws Exception {
    Run run = run("--help");
    assertEquals(0, run.status(), run.stderr());
    assertTrue(run.stdout().startsWith("usage: hello"), run.stdout());
    assertTrue(run.stdout().contains("--logs=VALUE"), run.stdout());
    assertTrue(run.stdout().contains("(default: info)"), run.stdout());
    assertTrue(run.stdout().contains("--help"), run.stdout());
  }

  @Test
  void sigtermShutsDownCleanly_closingTheConsole() throws Exception {
    Path stderr = temp.resolve("stderr.txt");
    Process p = start(stderr, "--logs=debug");
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("hello", out.readLine(), "the first line");
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "hello did not stop on SIGTERM");
    String log = Files.readString(stderr);
    assertEquals(128 + 15, p.exitValue(), log);
    assertTrue(log.contains("received a termination signal"), log);
    int closing = log.indexOf("closing StdioConsole");
    int stopped = log.indexOf("kernel loop hello stopped");
    assertTrue(stopped >= 0 && closing > stopped, "the loop stops before devices are closed:\n" + log);
    assertTrue(log.contains("kernel hello shut down"), log);
  }
}
