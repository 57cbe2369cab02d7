package io.morgana.fs.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Block;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Random sequences of file operations against Morgana and an in-memory model; afterwards {@code
 * fsck.fat -n} finds nothing and mtools sees exactly the model's tree and bytes, on FAT12, FAT16
 * and FAT32 (512-byte clusters, so chains and directories span many clusters).
 */
class FatModelProperties {

  /** Names: short, long, non-ASCII, names that collide case-insensitively, names that need ~N. */
  static final String[] NAMES = {
    "a.txt", "A.TXT", "README", "readme.md", "Long File Name With Spaces.text",
    "verylongname_1.dat", "verylongname_2.dat", "verylongname_3.dat", "Ünïcödé-ñame.txt",
    "日本語のファイル", "x", "data.bin", "Mixed.Case.Several.Dots.tar.gz", "same~1.txt",
    "+plus,comma;semi=eq[br].txt", "..leading.dots", "ÆØÅ", "dash–and—quotes«»"
  };

  Path scratch;

  @BeforeProperty
  void scratch() throws IOException {
    scratch = Files.createTempDirectory("fatmodel");
  }

  @AfterProperty
  void cleanup() {
    delete(scratch);
  }

  static void delete(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort
        }
      }
    } catch (IOException e) {
      // best effort
    }
  }

  @Provide
  Arbitrary<long[]> ops() {
    return Arbitraries.longs().array(long[].class).ofMinSize(10).ofMaxSize(40);
  }

  @Property(tries = 20, seed = "4242")
  void fat12(@ForAll("ops") long[] ops) throws IOException {
    check(FatType.FAT12, 2L << 20, ops);
  }

  @Property(tries = 20, seed = "1616")
  void fat16(@ForAll("ops") long[] ops) throws IOException {
    check(FatType.FAT16, 8L << 20, ops);
  }

  @Property(tries = 20, seed = "3232")
  void fat32(@ForAll("ops") long[] ops) throws IOException {
    check(FatType.FAT32, 36L << 20, ops);
  }

  /** The model: path (original case) -> content, null for a directory. */
  static final class Model {
    final TreeMap<String, byte[]> entries = new TreeMap<>();
    final StringBuilder log = new StringBuilder();

    void log(String s) {
      log.append(s).append('\n');
    }

    String find(String path) {
      for (String k : entries.keySet()) {
        if (Dir.fold(k).equals(Dir.fold(path))) {
          return k;
        }
      }
      return null;
    }

    List<String> files() {
      return entries.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
    }

    List<String> dirs() {
      List<String> d = new ArrayList<>();
      d.add("");
      entries.entrySet().stream().filter(e -> e.getValue() == null).forEach(e -> d.add(e.getKey()));
      return d;
    }

    boolean hasChildren(String dir) {
      String prefix = Dir.fold(dir) + "/";
      return entries.keySet().stream().anyMatch(k -> Dir.fold(k).startsWith(prefix));
    }
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  private static <T> T pick(List<T> l, Random r) {
    return l.get(r.nextInt(l.size()));
  }

  void check(FatType type, long bytes, long[] ops) throws IOException {
    HostFat.require();
    Path img = Files.createTempFile(scratch, type.name(), ".img");
    Model model = new Model();
    try (Block block = Images.create(img, bytes)) {
      FatFileSystem.format(block, FormatOptions.defaults().withType(type).withClusterSize(512)
          .withVolumeId(0x1234abcdL).withLabel("MODEL"), Images.CLOCK);
      try (FatFileSystem fs = FatFileSystem.open(block, Images.options())) {
        assertEquals(type, fs.type());
        for (long op : ops) {
          apply(fs, model, new Random(op));
        }
        String dm = HostFat.diff(model.entries, HostFat.morganaTree(fs));
        assertNull(dm, () -> "Morgana vs model:\n" + dm + "after\n" + model.log);
      }
    }
    HostFat.assertFsckClean(img);
    net.jqwik.api.statistics.Statistics.label("entries at the end").collect(
        model.entries.size() < 5 ? "0-4" : model.entries.size() < 10 ? "5-9" : "10+");
    String d = HostFat.diff(model.entries, HostFat.mtoolsTree(img, scratch));
    assertNull(d, () -> "mtools vs model:\n" + d + "after\n" + model.log);
    try (Block block = Images.open(img); FatFileSystem fs = FatFileSystem.open(block, Images.options())) {
      assertNull(HostFat.diff(model.entries, HostFat.morganaTree(fs)), "remounted vs model");
      assertTrue(FatChecker.check(block).clean(), () -> FatChecker.check0(block));
    }
    Files.delete(img);
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static int size(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextInt(600);
      case 2 -> r.nextInt(5000);
      default -> r.nextInt(40000);
    };
  }

  static void apply(FatFileSystem fs, Model m, Random r) throws IOException {
    List<String> files = m.files();
    int kind = r.nextInt(files.isEmpty() ? 2 : 12);
    if (kind >= 9) {
      kind = kind == 11 ? 1 : 0; // more creates and mkdirs: bigger trees
    }
    switch (kind) {
      case 0 -> { // create a file
        String p = join(pick(m.dirs(), r), NAMES[r.nextInt(NAMES.length)]);
        byte[] data = bytes(r, size(r));
        if (m.find(p) != null) {
          assertThrows(FileAlreadyExistsException.class, () -> fs.create(p).close());
          return;
        }
        try (FatFile f = fs.create(p)) {
          f.write(0, data, 0, data.length);
        }
        m.entries.put(p, data);
        m.log("create " + p + " " + data.length);
      }
      case 1 -> { // mkdir
        String p = join(pick(m.dirs(), r), NAMES[r.nextInt(NAMES.length)]);
        if (m.find(p) != null) {
          assertThrows(FileAlreadyExistsException.class, () -> fs.mkdir(p));
          return;
        }
        fs.mkdir(p);
        m.entries.put(p, null);
        m.log("mkdir " + p);
      }
      case 2 -> { // write at an offset (maybe past the end)
        String p = pick(files, r);
        byte[] old = m.entries.get(p);
        int pos = r.nextInt(old.length + 3000);
        byte[] data = bytes(r, 1 + size(r));
        try (FatFile f = fs.open(p)) {
          f.write(pos, data, 0, data.length);
        }
        byte[] now = Arrays.copyOf(old, Math.max(old.length, pos + data.length));
        System.arraycopy(data, 0, now, pos, data.length);
        m.entries.put(p, now);
        m.log("write " + p + " at " + pos + " " + data.length);
      }
      case 3 -> { // append
        String p = pick(files, r);
        byte[] old = m.entries.get(p);
        byte[] data = bytes(r, size(r));
        try (FatFile f = fs.open(p)) {
          f.append(data, 0, data.length);
        }
        byte[] now = Arrays.copyOf(old, old.length + data.length);
        System.arraycopy(data, 0, now, old.length, data.length);
        m.entries.put(p, now);
        m.log("append " + p + " " + data.length);
      }
      case 4 -> { // truncate
        String p = pick(files, r);
        byte[] old = m.entries.get(p);
        int n = r.nextBoolean() ? r.nextInt(old.length + 1) : r.nextInt(old.length + 5000);
        fs.truncate(p, n);
        m.entries.put(p, Arrays.copyOf(old, n));
        m.log("truncate " + p + " " + n);
      }
      case 5 -> { // delete
        String p = pick(files, r);
        fs.delete(p);
        m.entries.remove(p);
        m.log("delete " + p);
      }
      case 6 -> { // rmdir
        List<String> dirs = m.dirs().subList(1, m.dirs().size());
        if (dirs.isEmpty()) {
          return;
        }
        String p = pick(dirs, r);
        if (m.hasChildren(p)) {
          assertThrows(DirectoryNotEmptyException.class, () -> fs.rmdir(p));
        } else {
          fs.rmdir(p);
          m.entries.remove(p);
          m.log("rmdir " + p);
        }
      }
      case 7 -> { // rename or move a file or directory
        List<String> all = new ArrayList<>(m.entries.keySet());
        String from = pick(all, r);
        String dir = pick(m.dirs(), r);
        String to = join(dir, NAMES[r.nextInt(NAMES.length)]);
        boolean intoItself = m.entries.get(from) == null
            && (Dir.fold(dir).equals(Dir.fold(from)) || Dir.fold(dir).startsWith(Dir.fold(from) + "/"));
        String existing = m.find(to);
        if (intoItself || (existing != null && !existing.equals(from))) {
          assertThrows(IOException.class, () -> fs.rename(from, to));
          return;
        }
        fs.rename(from, to);
        m.log("rename " + from + " -> " + to);
        TreeMap<String, byte[]> moved = new TreeMap<>();
        String prefix = Dir.fold(from) + "/";
        for (var e : new TreeMap<>(m.entries).entrySet()) {
          String k = e.getKey();
          if (k.equals(from)) {
            m.entries.remove(k);
            moved.put(to, e.getValue());
          } else if (Dir.fold(k).startsWith(prefix)) {
            m.entries.remove(k);
            moved.put(to + "/" + k.substring(prefix.length()), e.getValue());
          }
        }
        m.entries.putAll(moved);
      }
      default -> { // read back a file through a fresh handle at a random offset
        String p = pick(files, r);
        byte[] want = m.entries.get(p);
        int pos = want.length == 0 ? 0 : r.nextInt(want.length);
        byte[] got = new byte[want.length - pos];
        try (FatFile f = fs.open(p)) {
          assertEquals(got.length, f.read(pos, got, 0, got.length));
        }
        assertArrayEquals(Arrays.copyOfRange(want, pos, want.length), got, p);
      }
    }
  }
}
