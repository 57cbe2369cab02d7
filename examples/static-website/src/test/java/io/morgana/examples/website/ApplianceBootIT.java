package io.morgana.examples.website;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's appliance end to end: {@code appliance/build static-website} makes the image from
 * {@code target/static-website-appliance.jar} (hence an integration test, after {@code package}),
 * {@code appliance/boot} runs it in QEMU (TCG when there is no KVM: about a minute), and the site
 * is fetched byte for byte through QEMU's port forward, Morgana's DHCP lease and its TCP/IP stack
 * on the VM's virtio NIC. The image holds no shell: its initramfs is listed. A kernel that fails
 * powers the VM off and {@code appliance/boot} exits with its status (QEMU's isa-debug-exit).
 */
class ApplianceBootIT {

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path ROOT = MODULE.resolve("../..").normalize();
  private static final Path SITE = MODULE.resolve("site");
  private static final Duration BOOT_LIMIT = Duration.ofMinutes(5);

  private static Path work;
  private static Path image;

  /** One image for both boots: building it (with its AOT training run) takes minutes here. */
  @BeforeAll
  static void build() throws Exception {
    HostTools.require("qemu-system-x86_64", "gcc", "cpio", "zstd", "python3", "unshare", "ip", "curl");
    if (!hasDebianKernel()) {
      HostTools.unavailable("no /boot/vmlinuz-* (Debian: apt-get install -y linux-image-amd64)");
    }
    work = Files.createTempDirectory("appliance-it");
    run(work.resolve("build.log"), ROOT.resolve("appliance/build").toString(), "static-website");
    image = work.resolve("site.img");
    run(work.resolve("site-image.log"), MODULE.resolve("site-image").toString(), SITE.toString(), image.toString());
  }

  /**
   * Removes the large files of the work folder (the unpacked initramfs, the site image: ~75 MB a
   * run) and keeps the logs, which say what a failed boot did.
   */
  @AfterAll
  static void removeLargeFiles() throws IOException {
    if (work != null) {
      Files.deleteIfExists(work.resolve("initramfs.cpio"));
      Files.deleteIfExists(work.resolve("site.img"));
    }
  }

  @Test
  void theBuiltImageBootsInQemu_leasesByDhcp_andServesTheSiteByteForByte_withNoShellInTheImage() throws Exception {
    List<String> entries = initramfsEntries(ROOT.resolve("appliance/target/static-website/initramfs.img"), work);
    assertTrue(entries.contains("init") && entries.contains("app.jar") && entries.contains("dev/console"), entries.toString());
    assertTrue(entries.contains("app.aot"), "the application's AOT cache: " + entries);
    assertFalse(entries.stream().anyMatch(e -> e.startsWith("training")), "the training run's files: " + entries);
    for (String e : entries) {
      String name = e.substring(e.lastIndexOf('/') + 1);
      assertFalse(List.of("sh", "bash", "dash", "ash", "busybox").contains(name), "a shell in the image: " + e);
    }
    byte[] init = Files.readAllBytes(ROOT.resolve("appliance/target/static-website/root/init"));
    assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(init, 4), "/init is an ELF");

    int port = freePort();
    Path console = work.resolve("console.log");
    Process qemu = new ProcessBuilder(ROOT.resolve("appliance/boot").toString(), "static-website", "--port=" + port,
        "--disk=" + image).redirectErrorStream(true).redirectOutput(console.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      URI base = URI.create("http://127.0.0.1:" + port + "/");
      long deadline = System.nanoTime() + BOOT_LIMIT.toNanos();
      HttpResponse<byte[]> first = null;
      while (first == null) {
        assertTrue(qemu.isAlive(), () -> "QEMU ended before serving:\n" + tail(console));
        assertTrue(System.nanoTime() < deadline, () -> "no HTTP 200 within " + BOOT_LIMIT + ":\n" + tail(console));
        try {
          HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(3)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() == 200) {
            first = r;
          }
        } catch (IOException notYet) {
          // QEMU accepts on the forwarded port before the guest listens: connection reset or timeout
        }
        if (first == null) {
          Thread.sleep(500);
        }
      }
      assertArrayEquals(Files.readAllBytes(SITE.resolve("index.html")), first.body());
      for (String file : List.of("css/site.css", "docs/index.html", "robots.txt")) {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve(file)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), file);
        assertArrayEquals(Files.readAllBytes(SITE.resolve(file)), r.body(), file);
      }
      String log = Files.readString(console, StandardCharsets.UTF_8);
      Matcher bound = Pattern.compile("dhcp: bound (192\\.0\\.2\\.\\d+)/").matcher(log);
      assertTrue(bound.find(), log);
      assertTrue(log.contains("serving http://" + bound.group(1) + "/"), "the URL names the leased address:\n" + log);
      // the JVM's words when -XX:AOTCache names a cache it cannot use (it then boots without)
      assertFalse(log.contains("error occurred while processing the AOT cache"), "the AOT cache is refused:\n" + log);
    } finally {
      qemu.destroy();
      if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
        qemu.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void aKernelThatRefusesItsBootArguments_powersTheVmOff_andBootExitsWithItsStatus() throws Exception {
    Path console = work.resolve("console-failing.log");
    Process boot = new ProcessBuilder(ROOT.resolve("appliance/boot").toString(), "static-website", "--port=" + freePort(),
        "--disk=" + image, "--", "morgana.no-such-key=1")
        .redirectErrorStream(true).redirectOutput(console.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    try {
      assertTrue(boot.waitFor(BOOT_LIMIT.toSeconds(), TimeUnit.SECONDS),
          () -> "the VM did not power off within " + BOOT_LIMIT + ":\n" + tail(console));
      String log = Files.readString(console, StandardCharsets.ISO_8859_1);
      assertEquals(2, boot.exitValue(), () -> "appliance/boot's status is the kernel's (2: boot arguments refused):\n" + log);
      assertTrue(log.contains("static-website: unknown boot argument --no-such-key"), log);
      assertTrue(log.contains("morgana init: static-website ended with status 2; reporting 2 through isa-debug-exit at 0xf4"), log);
      assertFalse(log.contains("; powering off"), () -> "QEMU ended at the port write, not at a power-off:\n" + log);
    } finally {
      boot.destroy();
      if (!boot.waitFor(10, TimeUnit.SECONDS)) {
        boot.destroyForcibly().waitFor();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean hasDebianKernel() throws IOException {
    try (DirectoryStream<Path> boot = Files.newDirectoryStream(Path.of("/boot"), "vmlinuz-*")) {
      return boot.iterator().hasNext();
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  /**
   * The names in every newc archive of the initramfs (the kernel unpacks them one after another;
   * {@code cpio -t} stops at the first trailer, before the {@code /dev/console} archive).
   */
  private static List<String> initramfsEntries(Path initramfs, Path work) throws Exception {
    Path cpio = work.resolve("initramfs.cpio");
    run(cpio, "zstd", "-qdc", initramfs.toString());
    byte[] b = Files.readAllBytes(cpio);
    List<String> names = new java.util.ArrayList<>();
    int at = 0;
    while (at + 110 <= b.length) {
      if (b[at] == 0) {
        at += 4; // padding between archives
        continue;
      }
      assertEquals("070701", new String(b, at, 6, StandardCharsets.US_ASCII), "newc magic at " + at);
      int fileSize = Integer.parseInt(new String(b, at + 54, 8, StandardCharsets.US_ASCII), 16);
      int nameSize = Integer.parseInt(new String(b, at + 94, 8, StandardCharsets.US_ASCII), 16);
      String name = new String(b, at + 110, nameSize - 1, StandardCharsets.UTF_8);
      at = align4(align4(at + 110 + nameSize) + fileSize);
      if (!name.equals("TRAILER!!!")) {
        names.add(name.startsWith("./") ? name.substring(2) : name);
      }
    }
    return names;
  }

  private static int align4(int n) {
    return (n + 3) & ~3;
  }

  private static void run(Path log, String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), String.join(" ", command) + " timed out");
    assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + tail(log));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
