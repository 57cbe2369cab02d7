package io.morgana.testkit.interop;

import io.morgana.runtime.nativeio.Libc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * Preconditions of interop tests: host commands and root.
 *
 * <p>When a precondition does not hold, the test is <b>skipped</b> ({@link Assumptions#abort})
 * with a reason naming what is missing and the Debian package that provides it — unless the
 * system property {@value #INTEROP_PROPERTY} is {@code required} (CI sets it), in which case the
 * test <b>fails</b> with the same message ({@link AssertionFailedError}).
 */
public final class HostTools {

  /** The system property that turns skips into failures when it is {@code required}. */
  public static final String INTEROP_PROPERTY = "morgana.interop";

  private static final List<Path> EXTRA_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/sbin"));

  /** Debian packages of the commands Morgana's interop tests use. */
  private static final Map<String, String> PACKAGES = Map.ofEntries(
      Map.entry("ip", "iproute2"),
      Map.entry("bridge", "iproute2"),
      Map.entry("tc", "iproute2"),
      Map.entry("ss", "iproute2"),
      Map.entry("tcpdump", "tcpdump"),
      Map.entry("ping", "iputils-ping"),
      Map.entry("arping", "iputils-arping"),
      Map.entry("mcopy", "mtools"),
      Map.entry("mdir", "mtools"),
      Map.entry("mtype", "mtools"),
      Map.entry("mformat", "mtools"),
      Map.entry("mmd", "mtools"),
      Map.entry("mdel", "mtools"),
      Map.entry("mkfs.fat", "dosfstools"),
      Map.entry("mkfs.vfat", "dosfstools"),
      Map.entry("fsck.fat", "dosfstools"),
      Map.entry("fsck.vfat", "dosfstools"),
      Map.entry("fatlabel", "dosfstools"),
      Map.entry("dnsmasq", "dnsmasq"),
      Map.entry("busybox", "busybox"),
      Map.entry("udhcpc", "busybox"),
      Map.entry("dhclient", "isc-dhcp-client"),
      Map.entry("nc", "netcat-openbsd"),
      Map.entry("socat", "socat"),
      Map.entry("curl", "curl"),
      Map.entry("gcc", "gcc"),
      Map.entry("cc", "gcc"),
      Map.entry("make", "make"),
      Map.entry("ethtool", "ethtool"),
      Map.entry("iperf3", "iperf3"),
      Map.entry("wrk", "wrk"),
      Map.entry("nginx", "nginx"),
      Map.entry("sfdisk", "fdisk"),
      Map.entry("fdisk", "fdisk"),
      Map.entry("sgdisk", "gdisk"),
      Map.entry("losetup", "mount"),
      Map.entry("id", "coreutils"),
      Map.entry("setpriv", "util-linux"),
      Map.entry("unshare", "util-linux"),
      Map.entry("nsenter", "util-linux"),
      Map.entry("mount", "mount"),
      Map.entry("sh", "dash"),
      Map.entry("xxd", "xxd"),
      Map.entry("python3", "python3"),
      Map.entry("tshark", "tshark"),
      Map.entry("iptables", "iptables"),
      Map.entry("dhcpd", "isc-dhcp-server"),
      Map.entry("qemu-img", "qemu-utils"),
      Map.entry("promtool", "prometheus"),
      Map.entry("prometheus", "prometheus"));

  private HostTools() {}

  /**
   * Requires every command in {@code commands} on {@code PATH} (or in {@code /usr/sbin}, {@code
   * /sbin}); otherwise skips the calling test (or fails it when interop is required), naming the
   * missing commands and their Debian packages.
   */
  public static void require(String... commands) {
    List<String> missing = new ArrayList<>();
    for (String c : commands) {
      if (find(c).isEmpty()) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      Set<String> packages = new LinkedHashSet<>();
      for (String c : missing) {
        packages.add(debianPackage(c));
      }
      unavailable(
          "missing host command" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
              + " (Debian: apt-get install -y " + String.join(" ", packages) + ")");
    }
  }

  /**
   * Requires an effective user id of 0; otherwise skips the calling test (or fails it when
   * interop is required).
   */
  public static void requireRoot() {
    if (!isRoot()) {
      unavailable("needs root (effective uid 0) to create network namespaces and devices; running as uid "
          + Libc.geteuid());
    }
  }

  /** Where {@code command} is found: {@code PATH}, then {@code /usr/sbin} and {@code /sbin}. */
  public static Optional<Path> find(String command) {
    if (command.contains("/")) {
      Path p = Path.of(command);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(":")) {
        if (!d.isEmpty()) {
          dirs.add(Path.of(d));
        }
      }
    }
    dirs.addAll(EXTRA_DIRS);
    for (Path d : dirs) {
      Path p = d.resolve(command);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Whether this process runs with effective uid 0. */
  public static boolean isRoot() {
    return Libc.geteuid() == 0;
  }

  /** Whether {@value #INTEROP_PROPERTY} is {@code required}: unmet preconditions fail tests. */
  public static boolean interopRequired() {
    return "required".equals(System.getProperty(INTEROP_PROPERTY));
  }

  /** The Debian package that provides {@code command}, or a hint to find it. */
  static String debianPackage(String command) {
    String name = command.substring(command.lastIndexOf('/') + 1);
    return PACKAGES.getOrDefault(name, "<package providing " + name + ">");
  }

  /**
   * Skips the calling test with {@code reason}, or fails it when interop is required.
   *
   * @throws org.opentest4j.TestAbortedException normally
   * @throws AssertionFailedError when {@value #INTEROP_PROPERTY} is {@code required}
   */
  public static void unavailable(String reason) {
    if (interopRequired()) {
      throw new AssertionFailedError(reason + " [" + INTEROP_PROPERTY + "=required]");
    }
    Assumptions.abort(reason + " (skipped; -D" + INTEROP_PROPERTY + "=required makes this a failure)");
  }
}
