package io.morgana.examples.bomcheck;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The build stops at once, with a message that says why, when Maven runs on a JDK older than 25
 * (the enforcer in the parent pom, bound to {@code validate}).
 */
class OlderJdkRefusedTest {

  @Test
  void mavenOnAnOlderJdkStopsWithAClearMessage() throws Exception {
    Optional<Path> olderJdk = olderJdk();
    Assumptions.assumeTrue(olderJdk.isPresent(), "no JDK older than 25 under /usr/lib/jvm to try");
    Path root = Path.of(System.getProperty("morgana.root"));

    ProcessBuilder pb =
        new ProcessBuilder(maven(), "-B", "-o", "-N", "validate").directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", olderJdk.get().toString());
    pb.environment().remove("MAVEN_OPTS"); // as a user's shell would have it
    Path out = Files.createTempFile("older-jdk", ".txt");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "maven did not finish");
    String output = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);

    assertNotEquals(0, p.exitValue(), output);
    assertTrue(output.contains("Morgana builds with JDK 25"), output);
    assertTrue(output.contains("scripts/test"), "the message says what to do instead:\n" + output);
  }

  private static Optional<Path> olderJdk() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(jvms)) {
      return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
          .filter(d -> release(d).filter(v -> v < 25).isPresent())
          .sorted()
          .findFirst();
    }
  }

  /** The feature release a JDK's {@code release} file names, e.g. 17. */
  private static Optional<Integer> release(Path jdk) {
    try {
      for (String line : Files.readAllLines(jdk.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          String v = line.substring("JAVA_VERSION=\"".length());
          int end = 0;
          while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
          }
          return end == 0 ? Optional.empty() : Optional.of(Integer.parseInt(v.substring(0, end)));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static String maven() {
    String home = System.getProperty("maven.home");
    if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
      return Path.of(home, "bin", "mvn").toString();
    }
    return "mvn";
  }
}
