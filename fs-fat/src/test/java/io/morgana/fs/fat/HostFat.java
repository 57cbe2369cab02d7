package io.morgana.fs.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.testkit.interop.ExecResult;
import io.morgana.testkit.interop.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** dosfstools and mtools from tests: UTF-8 locale, MTOOLS_SKIP_CHECK, bounded run time. */
final class HostFat {

  private HostFat() {}

  static void require() {
    HostTools.require("mkfs.fat", "fsck.fat", "mcopy", "mdir", "mtype");
  }

  static ExecResult run(String... cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put("LANG", "C.UTF-8");
      pb.environment().put("LC_ALL", "C.UTF-8");
      pb.environment().put("MTOOLS_SKIP_CHECK", "1");
      Path outFile = Files.createTempFile("hostfat", ".out");
      Path errFile = Files.createTempFile("hostfat", ".err");
      pb.redirectOutput(outFile.toFile());
      pb.redirectError(errFile.toFile());
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + String.join(" ", cmd));
      }
      ExecResult r = new ExecResult(p.exitValue(), Files.readString(outFile, StandardCharsets.UTF_8),
          Files.readString(errFile, StandardCharsets.UTF_8));
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static ExecResult runOk(String... cmd) {
    ExecResult r = run(cmd);
    if (r.exitCode() != 0) {
      fail(String.join(" ", cmd) + " exited " + r.exitCode() + "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr());
    }
    return r;
  }

  /** {@code fsck.fat -n} must find nothing at all. */
  static void assertFsckClean(Path img) {
    ExecResult r = run("fsck.fat", "-n", img.toString());
    assertEquals(0, r.exitCode(), () -> "fsck.fat -n " + img + ":\n" + r.stdout() + r.stderr());
  }

  /**
   * Lines of {@code fsck.fat -n} output that report more than lost clusters, a stale free count,
   * or FAT copies caught between two writes (each copy must then be checked on its own: {@link
   * #withFatPromoted}).
   */
  static List<String> fsckDamage(Path img) {
    ExecResult r = run("fsck.fat", "-n", img.toString());
    List<String> bad = new ArrayList<>();
    if (r.exitCode() == 0) {
      return bad;
    }
    for (String line : (r.stdout() + "\n" + r.stderr()).split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("fsck.fat ") || l.startsWith("Reclaimed ")
          || l.startsWith("Free cluster summary wrong") || l.startsWith("Auto-correcting")
          || l.startsWith("Leaving filesystem unchanged")
          || l.equals("FATs differ but appear to be intact.") || l.equals("Using first FAT.") || l.matches(".*: \\d+ files, \\d+/\\d+ clusters")) {
        continue;
      }
      bad.add(l);
    }
    if (r.exitCode() > 1) {
      bad.add("fsck.fat exit code " + r.exitCode());
    }
    return bad;
  }

  /** The image with FAT copy {@code copy} (0-based) written over the first. */
  static byte[] withFatPromoted(byte[] image, int copy) {
    byte[] out = image.clone();
    int bps = (image[11] & 0xFF) | (image[12] & 0xFF) << 8;
    int reserved = (image[14] & 0xFF) | (image[15] & 0xFF) << 8;
    long fatSize = (image[22] & 0xFF) | (image[23] & 0xFF) << 8;
    if (fatSize == 0) {
      fatSize = (image[36] & 0xFFL) | (image[37] & 0xFFL) << 8 | (image[38] & 0xFFL) << 16 | (image[39] & 0xFFL) << 24;
    }
    int len = (int) (fatSize * bps);
    for (int c = 0; c < 2; c++) {
      if (c != copy) {
        System.arraycopy(image, reserved * bps + copy * len, out, reserved * bps + c * len, len);
      }
    }
    return out;
  }

  /** Copies the whole image out with {@code mcopy -s} and reads it back as path -> bytes (null: directory). */
  static Map<String, byte[]> mtoolsTree(Path img, Path scratch) throws IOException {
    Path out = Files.createTempDirectory(scratch, "mcopy");
    ExecResult ls = runOk("mdir", "-i", img.toString(), "-b", "::/");
    if (!ls.stdout().isBlank()) {
      runOk("mcopy", "-s", "-n", "-m", "-i", img.toString(), "::/*", out.toString() + "/");
    }
    return localTree(out);
  }

  static Map<String, byte[]> localTree(Path root) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        m.put(rel, Files.isDirectory(p) ? null : Files.readAllBytes(p));
      }
    }
    return m;
  }

  /** A readable difference between two trees, or null when equal. */
  static String diff(Map<String, byte[]> want, Map<String, byte[]> got) {
    StringBuilder sb = new StringBuilder();
    for (var e : want.entrySet()) {
      if (!got.containsKey(e.getKey())) {
        sb.append("missing ").append(e.getKey()).append('\n');
      } else if (!Arrays.equals(e.getValue(), got.get(e.getKey()))) {
        byte[] g = got.get(e.getKey());
        sb.append("differs ").append(e.getKey()).append(" (want ")
            .append(e.getValue() == null ? "dir" : e.getValue().length + " bytes").append(", got ")
            .append(g == null ? "dir" : g.length + " bytes").append(")\n");
      }
    }
    for (String k : got.keySet()) {
      if (!want.containsKey(k)) {
        sb.append("unexpected ").append(k).append('\n');
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  /** The tree as Morgana sees it. */
  static Map<String, byte[]> morganaTree(FatFileSystem fs) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    walk(fs, "", m);
    return m;
  }

  private static void walk(FatFileSystem fs, String dir, Map<String, byte[]> m) throws IOException {
    for (FatEntry e : fs.list(dir.isEmpty() ? "/" : dir)) {
      String p = dir.isEmpty() ? e.name() : dir + "/" + e.name();
      if (e.directory()) {
        m.put(p, null);
        walk(fs, p, m);
      } else {
        m.put(p, fs.readAllBytes(p));
      }
    }
  }
}
