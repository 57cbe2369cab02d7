package io.morgana.examples.appcheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Maven and Java in a child process, offline, on this build's local repository. */
final class Maven {

  private Maven() {}

  record Result(int exitCode, String stdout, String stderr) {
    String output() {
      return "--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
  }

  /** {@code mvn -B -o [-Dmaven.repo.local=...] args} in {@code dir}. */
  static Result mvn(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(maven(), "-B", "-o", "-ntp"));
    String repo = System.getProperty("morgana.localRepository");
    if (repo != null && !repo.isBlank()) {
      command.add("-Dmaven.repo.local=" + repo);
    }
    command.addAll(List.of(args));
    return run(dir, command);
  }

  /** The JDK running this test's {@code java}, with {@code args}. */
  static Result java(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(args));
    return run(dir, command);
  }

  private static String maven() {
    String home = System.getProperty("maven.home");
    if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
      return Path.of(home, "bin", "mvn").toString();
    }
    return "mvn";
  }

  private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("MAVEN_OPTS");
    Path out = Files.createTempFile("out", ".txt");
    Path err = Files.createTempFile("err", ".txt");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
