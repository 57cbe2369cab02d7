package io.morgana.sim.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.sim.SimResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One seed, one run: the demo's logs and pcaps repeat byte for byte, in this JVM and in another. */
class DeterminismTest {

  static final DemoScenario.Options OPTIONS = DemoScenario.Options.DEMO.withClients(6, 3);

  static SimResult run(long seed) {
    DemoScenario scenario = new DemoScenario(OPTIONS);
    return scenario.build(seed, DemoScenario.demoFaults()).run(scenario.duration());
  }

  static void assertSameRun(SimResult a, SimResult b) {
    assertEquals(a.logs(), b.logs());
    assertEquals(a.pcaps().keySet(), b.pcaps().keySet());
    for (String link : a.pcaps().keySet()) {
      assertArrayEquals(a.pcaps().get(link), b.pcaps().get(link), link);
    }
    assertEquals(a.summary(), b.summary());
    assertEquals(a.simulatedNanos(), b.simulatedNanos());
  }

  @Test
  void theSameSeedTwiceInOneJvmGivesIdenticalLogsAndPcaps() {
    SimResult first = run(42);
    SimResult second = run(42);
    assertTrue(first.passed(), first.summary());
    assertTrue(first.pcaps().values().stream().allMatch(p -> p.length > 24), "every link carried frames");
    assertSameRun(first, second);
  }

  @Test
  void differentSeedsGiveDifferentRuns() {
    SimResult a = run(42);
    SimResult b = run(43);
    assertNotEquals(a.logs(), b.logs());
    int differing = 0;
    for (String link : a.pcaps().keySet()) {
      if (!java.util.Arrays.equals(a.pcaps().get(link), b.pcaps().get(link))) {
        differing++;
      }
    }
    assertEquals(a.pcaps().size(), differing, "every link's capture differs");
  }

  @Test
  void theSameSeedInAForkedJvmGivesIdenticalFiles(@TempDir Path dir) throws Exception {
    SimResult here = run(42);
    here.writeTo(dir.resolve("here"));
    Path there = dir.resolve("there");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), SimDemo.class.getName(), "--seed=42",
        "--seconds=" + OPTIONS.duration().toSeconds(), "--clients=" + OPTIONS.clients(),
        "--http-clients=" + OPTIONS.httpClients(), "--pcap-dir=" + there));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the forked run finished");
    String out = Files.readString(dir.resolve("out.txt"));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("PASS seed 42"), out);
    for (String name : filesIn(dir.resolve("here")).keySet()) {
      assertArrayEquals(Files.readAllBytes(dir.resolve("here").resolve(name)), Files.readAllBytes(there.resolve(name)), name);
    }
    assertEquals(filesIn(dir.resolve("here")).keySet(), filesIn(there).keySet());
  }

  private static Map<String, Long> filesIn(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return new java.util.TreeMap<>(s.collect(java.util.stream.Collectors.toMap(
          f -> f.getFileName().toString(), f -> f.toFile().length())));
    }
  }
}
