package io.morgana.examples.appcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn archetype:generate} with the installed {@code morgana-archetype}, then {@code mvn
 * verify} of the generated project — offline, against the installed {@code morgana-app-parent}
 * and Morgana artifacts, as a new user's first two commands.
 */
class GeneratedApplicationBuildTest {

  @TempDir Path work;

  private Path generate(String artifactId, String... more) throws Exception {
    String version = System.getProperty("morgana.version");
    String plugin = "org.apache.maven.plugins:maven-archetype-plugin:"
        + System.getProperty("morgana.archetypePluginVersion") + ":generate";
    String[] args = Stream.concat(
            Stream.of(plugin, "-DinteractiveMode=false",
                "-DarchetypeGroupId=io.morgana", "-DarchetypeArtifactId=morgana-archetype",
                "-DarchetypeVersion=" + version, // morganaVersion: the archetype's own, by default
                "-DgroupId=com.example", "-DartifactId=" + artifactId, "-Dversion=1.0-SNAPSHOT"),
            Stream.of(more))
        .toArray(String[]::new);
    Maven.Result generated = Maven.mvn(work, args);
    assertEquals(0, generated.exitCode(), "archetype:generate failed (is the reactor installed? scripts/test runs"
        + " mvn install):\n" + generated.output());
    return work.resolve(artifactId);
  }

  @Test
  void theProjectAsGeneratedPassesVerify_andItsTapJarRuns() throws Exception {
    Path app = generate("inbox", "-Dpackage=com.example.inbox");
    assertTrue(Files.exists(app.resolve("src/main/java/com/example/inbox/App.java")));
    assertTrue(Files.exists(app.resolve("src/main/java/com/example/inbox/TapKernel.java")));
    assertTrue(Files.exists(app.resolve("src/test/java/com/example/inbox/AppTest.java")));

    Maven.Result build = Maven.mvn(app, "verify");
    assertEquals(0, build.exitCode(), "the generated project failed mvn verify:\n" + build.output());
    assertTrue(build.stdout().contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"), build.stdout());

    Path jar = app.resolve("target/inbox-tap.jar");
    assertTrue(Files.exists(jar), "no runnable TAP jar");
    assertFalse(Files.exists(app.resolve("target/inbox-socket.jar")), "a target without a main class builds no jar");
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      assertEquals("com.example.inbox.AppTap", manifest.getMainAttributes().getValue("Main-Class"));
      assertEquals("ALL-UNNAMED", manifest.getMainAttributes().getValue("Enable-Native-Access"));
    }
    Maven.Result help = Maven.java(app, "-jar", jar.toString(), "--help");
    assertEquals(0, help.exitCode(), help.output());
    assertTrue(help.stdout().startsWith("usage: inbox-tap "), help.stdout());
    assertTrue(help.stdout().contains("--disk=VALUE           disk image file or block device (required)"), help.stdout());
    assertTrue(help.stdout().contains("--port=VALUE"), help.stdout());
    assertFalse(help.stderr().contains("restricted method"), "Enable-Native-Access is in effect:\n" + help.stderr());
  }

  @Test
  void theReadmesNotesKernel_writtenOverAGeneratedProject_passesVerify() throws Exception {
    Path app = generate("notes", "-Dpackage=com.example.notes", "-DappClass=Notes");
    copyTree(Path.of(System.getProperty("morgana.notes")), app);

    Maven.Result build = Maven.mvn(app, "verify");
    assertEquals(0, build.exitCode(), "the notes kernel failed mvn verify:\n" + build.output());
    assertTrue(build.stdout().contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0"), build.stdout());
    assertTrue(Files.exists(app.resolve("target/notes-tap.jar")));
  }

  private static void copyTree(Path from, Path to) throws IOException {
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
}
