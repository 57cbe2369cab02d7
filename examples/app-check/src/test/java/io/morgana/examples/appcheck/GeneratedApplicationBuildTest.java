package io.morgana.examples.appcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.block.FileBlock;
import io.morgana.fs.fat.FatFileSystem;
import io.morgana.fs.fat.FormatOptions;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
  void theProjectAsGeneratedPassesVerify_andItsTapSocketAndXenJarsRun() throws Exception {
    Path app = generate("inbox", "-Dpackage=com.example.inbox");
    assertTrue(Files.exists(app.resolve("src/main/java/com/example/inbox/App.java")));
    assertTrue(Files.exists(app.resolve("src/main/java/com/example/inbox/TapKernel.java")));
    assertTrue(Files.exists(app.resolve("src/main/java/com/example/inbox/SocketKernel.java")));
    assertTrue(Files.exists(app.resolve("src/main/java/com/example/inbox/XenKernel.java")));
    assertTrue(Files.exists(app.resolve("src/test/java/com/example/inbox/AppTest.java")));

    Maven.Result build = Maven.mvn(app, "verify");
    assertEquals(0, build.exitCode(), "the generated project failed mvn verify:\n" + build.output());
    assertTrue(build.stdout().contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"), build.stdout());

    Path jar = app.resolve("target/inbox-tap.jar");
    assertTrue(Files.exists(jar), "no runnable TAP jar");
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

    Path socketJar = app.resolve("target/inbox-socket.jar");
    assertTrue(Files.exists(socketJar), "no runnable socket jar");
    try (JarFile file = new JarFile(socketJar.toFile())) {
      Manifest manifest = file.getManifest();
      assertEquals("com.example.inbox.AppSocket", manifest.getMainAttributes().getValue("Main-Class"));
      assertEquals("ALL-UNNAMED", manifest.getMainAttributes().getValue("Enable-Native-Access"));
    }
    Maven.Result socketHelp = Maven.java(app, "-jar", socketJar.toString(), "--help");
    assertEquals(0, socketHelp.exitCode(), socketHelp.output());
    assertTrue(socketHelp.stdout().startsWith("usage: inbox-socket "), socketHelp.stdout());
    for (String key : new String[] {"--listen=VALUE", "--disk=VALUE", "--port=VALUE"}) {
      assertTrue(socketHelp.stdout().contains(key), socketHelp.stdout());
    }
    assertFalse(socketHelp.stdout().contains("--net="), "no TAP key in the socket target:\n" + socketHelp.stdout());
    assertStoresADatagramOverTheHostsSockets(app, socketJar);

    Path xenJar = app.resolve("target/inbox-xen.jar");
    assertTrue(Files.exists(xenJar), "no runnable Xen jar");
    try (JarFile file = new JarFile(xenJar.toFile())) {
      assertEquals("com.example.inbox.AppXen", file.getManifest().getMainAttributes().getValue("Main-Class"));
    }
    Maven.Result xenHelp = Maven.java(app, "-jar", xenJar.toString(), "--help");
    assertEquals(0, xenHelp.exitCode(), xenHelp.output());
    assertTrue(xenHelp.stdout().startsWith("usage: inbox-xen "), xenHelp.stdout());
    for (String key : new String[] {"--xen-vif=VALUE", "--xen-vbd=VALUE", "--ipv4=VALUE", "--port=VALUE"}) {
      assertTrue(xenHelp.stdout().contains(key), xenHelp.stdout());
    }
    assertFalse(xenHelp.stdout().contains("--net=") || xenHelp.stdout().contains("--disk="),
        "no TAP or file-disk key in the Xen target:\n" + xenHelp.stdout());
    // Not a Xen guest here: one clear line and exit status 1, not a stack trace.
    Maven.Result xenRun = Maven.java(app, "-jar", xenJar.toString(), "--ipv4=192.0.2.2/24");
    assertEquals(1, xenRun.exitCode(), xenRun.output());
    assertTrue(xenRun.output().contains("/dev/xen"), xenRun.output());
    assertFalse(xenRun.output().contains("\tat "), "no stack trace:\n" + xenRun.output());
  }

  /**
   * Runs the socket jar on a FAT image (formatted here with fs-fat) and sends it a datagram on
   * 127.0.0.1 until it answers: the generated application, unchanged, over the host's sockets.
   */
  private static void assertStoresADatagramOverTheHostsSockets(Path app, Path socketJar) throws Exception {
    Path image = app.resolve("target/disk.img");
    try (FileBlock block = FileBlock.create(image, 4 << 20)) {
      FatFileSystem.format(block, FormatOptions.defaults());
    }
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process kernel = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", socketJar.toString(), "--disk=" + image, "--port=" + port)
        .directory(app.toFile())
        .redirectErrorStream(true)
        .redirectOutput(app.resolve("target/socket-kernel.log").toFile())
        .start();
    try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      client.setSoTimeout(500);
      byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
      String answer = null;
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (answer == null && System.nanoTime() - end < 0 && kernel.isAlive()) {
        client.send(new DatagramPacket(hello, hello.length, InetAddress.getLoopbackAddress(), port));
        DatagramPacket reply = new DatagramPacket(new byte[512], 512);
        try {
          client.receive(reply);
          answer = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException | PortUnreachableException notYet) {
          // the kernel is still starting: send again
        }
      }
      String log = Files.readString(app.resolve("target/socket-kernel.log"));
      assertTrue(answer != null && answer.matches("stored inbox/\\d+\\.txt"),
          "answer " + answer + "; the kernel's output:\n" + log);
    } finally {
      kernel.destroy();
      if (!kernel.waitFor(30, TimeUnit.SECONDS)) {
        kernel.destroyForcibly().waitFor();
      }
    }
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
