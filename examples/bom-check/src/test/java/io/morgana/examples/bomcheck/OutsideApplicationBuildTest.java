package io.morgana.examples.bomcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds and runs an application that lives outside the reactor, the way a new user would: its
 * own pom imports the installed {@code morgana-bom} and lists Morgana artifacts without versions.
 * A Morgana artifact missing from the BOM, or not installed, fails this build.
 */
class OutsideApplicationBuildTest {

  @TempDir Path work;

  @Test
  void applicationImportingTheInstalledBomBuildsAndRuns() throws Exception {
    Path app = work.resolve("greeter");
    copyTemplate(Path.of(System.getProperty("morgana.app.template")), app);
    Path pom = app.resolve("pom.xml");
    Files.writeString(
        pom,
        Files.readString(pom).replace("@morgana.version@", System.getProperty("morgana.version")));

    Result build =
        run(
            app,
            maven(),
            "-B",
            "-q",
            "-ntp",
            "package",
            "dependency:build-classpath",
            "-Dmdep.outputFile=classpath.txt");
    assertEquals(0, build.exitCode(), "the outside application failed to build:\n" + build.output());

    String classpath =
        app.resolve("target/classes") + ":" + Files.readString(app.resolve("classpath.txt")).trim();
    Result greet =
        run(app, javaBinary(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath, "com.example.greeter.Greeter");
    assertEquals(0, greet.exitCode(), greet.output());
    assertTrue(
        greet.stdout().equals("hello from 192.0.2.2/24 after 3 virtual seconds\n"),
        "unexpected output: " + greet.output());
  }

  private static void copyTemplate(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static String maven() {
    String home = System.getProperty("maven.home");
    if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
      return Path.of(home, "bin", "mvn").toString();
    }
    return "mvn";
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private record Result(int exitCode, String stdout, String stderr) {
    String output() {
      return "--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
  }

  private static Result run(Path dir, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
