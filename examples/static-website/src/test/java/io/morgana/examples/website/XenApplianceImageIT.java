package io.morgana.examples.website;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.appliance.InitPlan;
import io.morgana.appliance.KernelCommandLine;
import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 16's Xen PVH guest, as far as it can be checked without a hypervisor: {@code appliance/build
 * static-website --target=xen} makes the image from {@code target/static-website-xen-appliance.jar}
 * (hence an integration test, after {@code package}); its initramfs holds the Xen appliance, the
 * two Xen device modules Init loads and nothing that competes with Morgana's drivers or gives a
 * shell; its {@code xl} configuration, parsed, describes a PVH guest booting exactly that image.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XenApplianceImageIT {

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path ROOT = MODULE.resolve("../..").normalize();
  private static final Path OUT = ROOT.resolve("appliance/target/static-website-xen");
  private static final String MAIN = "io.morgana.examples.website.appliance.xen.StaticWebsiteXenAppliance";

  private Path work;
  private Path site;
  private List<String> entries;
  private Map<String, Object> xl;

  @BeforeAll
  void build() throws Exception {
    HostTools.require("gcc", "cpio", "zstd", "python3");
    if (!hasDebianKernel()) {
      HostTools.unavailable("no /boot/vmlinuz-* (Debian: apt-get install -y linux-image-amd64)");
    }
    work = Files.createTempDirectory("xen-appliance-it");
    site = work.resolve("site.img");
    run(work.resolve("site-image.log"), MODULE.resolve("site-image").toString(), MODULE.resolve("site").toString(), site.toString());
    run(work.resolve("build.log"), ROOT.resolve("appliance/build").toString(), "static-website", "--target=xen",
        "--disk=" + site, "--bridge=xenbr1");
    entries = InitramfsListing.entries(OUT.resolve("initramfs.img"), work);
    xl = XlConfig.parse(Files.readString(OUT.resolve("static-website.xl"), StandardCharsets.UTF_8));
  }

  @Test
  void initramfs_holdsInitTheXenApplianceJarAndTheConsoleNode_noShell() throws Exception {
    assertTrue(entries.contains("init") && entries.contains("app.jar") && entries.contains("dev/console")
        && entries.contains("jre/bin/java"), entries.toString());
    for (String e : entries) {
      String name = e.substring(e.lastIndexOf('/') + 1);
      assertFalse(List.of("sh", "bash", "dash", "ash", "busybox").contains(name), "a shell in the image: " + e);
    }
    byte[] init = Files.readAllBytes(OUT.resolve("root/init"));
    assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(init, 4), "/init is an ELF");
    assertTrue(new String(init, StandardCharsets.ISO_8859_1).contains(MAIN), "/init starts the Xen appliance's main");
    assertArrayEquals(Files.readAllBytes(MODULE.resolve("target/static-website-xen-appliance.jar")),
        Files.readAllBytes(OUT.resolve("root/app.jar")), "/app.jar is the Xen appliance jar");
    try (JarFile jar = new JarFile(OUT.resolve("root/app.jar").toFile())) {
      assertEquals(MAIN, jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  @Test
  void initramfs_modulesAreExactlyWhatInitLoadsForXen_evtchnAndGntalloc_noLinuxFrontends() throws Exception {
    List<String> modules = entries.stream().filter(e -> e.endsWith(".ko")).sorted().toList();
    assertEquals(List.of("lib/modules/xen-evtchn.ko", "lib/modules/xen-gntalloc.ko"), modules);
    List<String> planned = InitPlan.from(KernelCommandLine.parse(cmdline())).modules().stream()
        .map(InitPlan::modulePath).map(p -> p.substring(1)).sorted().toList();
    assertEquals(planned, modules, "the modules the xl command line makes Init load are the image's");
    assertTrue(entries.stream().noneMatch(e -> e.contains("netfront") || e.contains("blkfront") || e.contains("virtio")),
        entries.toString());
    for (String m : List.of("xen_evtchn", "xen_gntalloc")) {
      byte[] ko = Files.readAllBytes(OUT.resolve("root/lib/modules/" + m.replace('_', '-') + ".ko"));
      assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(ko, 4), m + " is an ELF module, uncompressed");
      assertTrue(new String(ko, StandardCharsets.ISO_8859_1).contains("name=" + m), m + "'s .modinfo names it");
    }
  }

  @Test
  void xl_pvhGuest_bootingThisKernelAndInitramfs() {
    assertEquals("static-website", xl.get("name"));
    assertEquals("pvh", xl.get("type"));
    assertEquals(OUT.resolve("vmlinuz").toString(), xl.get("kernel"));
    assertEquals(OUT.resolve("initramfs.img").toString(), xl.get("ramdisk"));
    assertTrue(Files.isRegularFile(Path.of((String) xl.get("kernel"))), "the kernel exists");
    assertTrue(Files.isRegularFile(Path.of((String) xl.get("ramdisk"))), "the ramdisk exists");
    assertTrue((Long) xl.get("memory") >= 256, "memory for the JVM: " + xl.get("memory"));
    assertEquals("destroy", xl.get("on_poweroff"));
    assertEquals("destroy", xl.get("on_crash"));
  }

  @Test
  void xl_commandLine_consoleOnHvc0_xenTarget_noNetOrDiskArgumentForTheApplication() {
    assertEquals(XenApplianceDhcpInteropTest.XL_CMDLINE, cmdline(), "the command line the simulated boot starts from");
    List<String> words = List.of(cmdline().split(" +"));
    assertTrue(words.contains("console=hvc0"), words.toString());
    assertTrue(words.contains("morgana.target=xen"), words.toString());
    InitPlan plan = InitPlan.from(KernelCommandLine.parse(cmdline()));
    assertEquals(List.of(), plan.interfaces(), "netfront is no Linux interface");
    assertEquals(List.of("--dhcp"), plan.bootArguments());
  }

  @Test
  void xl_vifOnTheGivenBridge_diskTheSiteImageReadOnlyAsXvda() {
    assertEquals(List.of("bridge=xenbr1"), xl.get("vif"));
    @SuppressWarnings("unchecked")
    List<String> disks = (List<String>) xl.get("disk");
    assertEquals(1, disks.size(), disks.toString());
    Map<String, String> disk = new LinkedHashMap<>();
    for (String part : disks.get(0).split(",")) {
      String[] kv = part.strip().split("=", 2);
      disk.put(kv[0], kv[1]);
    }
    assertEquals("xvda", disk.get("vdev"), "Morgana's blkfront drives device/vbd/51712 (xvda) by default");
    assertEquals("ro", disk.get("access"));
    assertEquals("raw", disk.get("format"));
    assertEquals(site.toString(), disk.get("target"));
    assertTrue(Files.isRegularFile(site));
  }

  private String cmdline() {
    return (String) xl.get("cmdline");
  }

  /**
   * The subset of {@code xl.cfg(5)} the builder writes: {@code KEY = "string"}, {@code KEY =
   * number}, {@code KEY = [ "string", … ]}, {@code #} comments; anything else is refused.
   */
  static final class XlConfig {

    static Map<String, Object> parse(String text) {
      Map<String, Object> settings = new LinkedHashMap<>();
      for (String raw : text.split("\n")) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("not KEY = VALUE: " + line);
        }
        String key = line.substring(0, eq).strip();
        if (!key.matches("[a-z_]+")) {
          throw new IllegalArgumentException("bad key: " + line);
        }
        String value = line.substring(eq + 1).strip();
        Object parsed;
        if (value.startsWith("[") && value.endsWith("]")) {
          List<String> items = new ArrayList<>();
          String inner = value.substring(1, value.length() - 1).strip();
          for (String item : inner.isEmpty() ? new String[0] : inner.split("\",")) {
            String s = item.strip();
            items.add(string(s.endsWith("\"") ? s : s + "\"", line));
          }
          parsed = List.copyOf(items);
        } else if (value.startsWith("\"")) {
          parsed = string(value, line);
        } else if (value.matches("[0-9]+")) {
          parsed = Long.parseLong(value);
        } else {
          throw new IllegalArgumentException("bad value: " + line);
        }
        if (settings.put(key, parsed) != null) {
          throw new IllegalArgumentException("set twice: " + key);
        }
      }
      return settings;
    }

    private static String string(String quoted, String line) {
      if (quoted.length() < 2 || !quoted.startsWith("\"") || !quoted.endsWith("\"")
          || quoted.substring(1, quoted.length() - 1).contains("\"")) {
        throw new IllegalArgumentException("bad string " + quoted + " in: " + line);
      }
      return quoted.substring(1, quoted.length() - 1);
    }
  }

  private static boolean hasDebianKernel() throws IOException {
    try (DirectoryStream<Path> boot = Files.newDirectoryStream(Path.of("/boot"), "vmlinuz-*")) {
      return boot.iterator().hasNext();
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  private static void run(Path log, String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), String.join(" ", command) + " timed out");
    assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + read(log));
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
