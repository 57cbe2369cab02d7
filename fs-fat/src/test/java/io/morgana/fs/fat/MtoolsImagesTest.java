package io.morgana.fs.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.morgana.api.Block;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The other way round: images made by {@code mkfs.fat} and filled by {@code mcopy} (long and
 * non-ASCII names, a deep tree, empty and multi-cluster files, a directory spanning several
 * clusters) read back identical by Morgana, then changed by Morgana and checked by {@code
 * fsck.fat -n} and mtools.
 */
class MtoolsImagesTest {

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}: mkfs.fat {1}")
  @CsvSource(delimiter = '|', value = {
    "floppy FAT12 512 B clusters   | -C IMG 1440                | FAT12 | 512",
    "FAT16 64 MiB 2 KiB clusters   | -F 16 -s 4 -C IMG 65536    | FAT16 | 2048",
    "FAT16 64 MiB 8 KiB clusters   | -F 16 -s 16 -C IMG 65536   | FAT16 | 8192",
    "FAT16 256 MiB 32 KiB clusters | -F 16 -s 64 -C IMG 262144  | FAT16 | 32768",
    "FAT32 64 MiB 512 B clusters   | -F 32 -s 1 -C IMG 65536    | FAT32 | 512",
    "FAT32 256 MiB 1 KiB clusters  | -F 32 -s 2 -C IMG 262144   | FAT32 | 1024",
    "FAT32 1 GiB sparse default    | -F 32 -C IMG 1048576       | FAT32 | 4096",
    "FAT32 2 GiB 16 KiB clusters   | -F 32 -s 32 -C IMG 2097152 | FAT32 | 16384",
  })
  void mcopyTreeReadAndChangedByMorgana(String title, String mkfsArgs, FatType type, int cluster) throws IOException {
    HostFat.require();
    Path img = tmp.resolve("disk.img");
    List<String> cmd = new ArrayList<>(List.of("mkfs.fat"));
    for (String a : mkfsArgs.trim().split("\\s+")) {
      cmd.add(a.equals("IMG") ? img.toString() : a);
    }
    HostFat.runOk(cmd.toArray(String[]::new));
    Path src = tmp.resolve("src");
    makeTree(src, type == FatType.FAT12);
    List<String> mcopy = new ArrayList<>(List.of("mcopy", "-s", "-i", img.toString()));
    try (Stream<Path> s = Files.list(src)) {
      s.sorted().forEach(p -> mcopy.add(p.toString()));
    }
    mcopy.add("::/");
    HostFat.runOk(mcopy.toArray(String[]::new));
    HostFat.assertFsckClean(img);
    Map<String, byte[]> want = HostFat.localTree(src);

    try (Block block = Images.open(img); FatFileSystem fs = FatFileSystem.open(block, Images.options())) {
      assertEquals(type, fs.type());
      assertEquals(cluster, fs.clusterSize());
      String d = HostFat.diff(want, HostFat.morganaTree(fs));
      assertNull(d, () -> "Morgana reading mcopy's image:\n" + d);
      // Now change it: the same changes go to the local copy.
      change(fs, src);
    }
    want = HostFat.localTree(src);
    HostFat.assertFsckClean(img);
    Map<String, byte[]> got = HostFat.mtoolsTree(img, tmp);
    String d = HostFat.diff(want, got);
    assertNull(d, () -> "mtools after Morgana's changes:\n" + d);
    HostFat.runOk("mtype", "-i", img.toString(), "::/Morgana wrote this.txt");
    try (Block block = Images.open(img)) {
      FatChecker.Report r = FatChecker.check(block);
      assertEquals(List.of(), r.problems());
    }
  }

  static final String[] NAMES = {
    "Ünïcödé ñame.txt", "日本語のファイル名.txt", "Ελληνικά.doc", "UPPER.TXT", "lower.txt", "MiXeD.TxT",
    "name with   spaces", "a.b.c.d.e", "+,;=[].txt"
  };

  static void makeTree(Path src, boolean small) throws IOException {
    Random r = new Random(7);
    Files.createDirectories(src);
    Path many = Files.createDirectories(src.resolve("Long Directory Name With Spaces"));
    for (int i = 0; i < 40; i++) {
      Files.write(many.resolve("file number " + i + " with a long name.txt"), bytes(r, r.nextInt(3000)));
    }
    Path deep = src;
    for (String s : "a/bb/ccc/dddd/eeeee/ffffff/seventh level/8".split("/")) {
      deep = Files.createDirectories(deep.resolve(s));
    }
    Files.writeString(deep.resolve("deep.txt"), "at the bottom\n");
    Files.write(src.resolve("empty.txt"), new byte[0]);
    Files.write(src.resolve("big.bin"), bytes(r, small ? 200_000 : 3_000_000));
    for (String n : NAMES) {
      Files.write(src.resolve(n), (n + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Files.createDirectories(src.resolve("emptydir"));
  }

  static void change(FatFileSystem fs, Path src) throws IOException {
    Random r = new Random(11);
    // delete a few files, one from the big directory
    fs.delete("/Long Directory Name With Spaces/file number 7 with a long name.txt");
    Files.delete(src.resolve("Long Directory Name With Spaces/file number 7 with a long name.txt"));
    fs.delete("/upper.txt"); // case-insensitive lookup
    Files.delete(src.resolve("UPPER.TXT"));
    // new files with long names, in the big directory (it grows) and at the root
    for (int i = 0; i < 30; i++) {
      String n = "Morgana added file " + i + " — ünïcödé.bin";
      byte[] b = bytes(r, r.nextInt(5000));
      fs.write("/Long Directory Name With Spaces/" + n, b);
      Files.write(src.resolve("Long Directory Name With Spaces").resolve(n), b);
    }
    byte[] msg = "hello from Morgana\n".getBytes(StandardCharsets.UTF_8);
    fs.write("/Morgana wrote this.txt", msg);
    Files.write(src.resolve("Morgana wrote this.txt"), msg);
    // append to the multi-cluster file, overwrite in the middle, truncate another
    byte[] more = bytes(r, 70_000);
    try (FatFile f = fs.open("/BIG.BIN")) {
      f.append(more, 0, more.length);
      f.write(1000, msg, 0, msg.length);
    }
    byte[] big = Files.readAllBytes(src.resolve("big.bin"));
    byte[] nb = Arrays.copyOf(big, big.length + more.length);
    System.arraycopy(more, 0, nb, big.length, more.length);
    System.arraycopy(msg, 0, nb, 1000, msg.length);
    Files.write(src.resolve("big.bin"), nb);
    fs.truncate("/Ünïcödé ñame.txt", 3);
    Files.write(src.resolve("Ünïcödé ñame.txt"), Arrays.copyOf(Files.readAllBytes(src.resolve("Ünïcödé ñame.txt")), 3));
    // mkdir, move a deep directory up, rename a file into another directory, rmdir
    fs.mkdir("/Neue Verzeichnis");
    Files.createDirectory(src.resolve("Neue Verzeichnis"));
    fs.rename("/a/bb/ccc/dddd", "/Neue Verzeichnis/moved dddd");
    Files.move(src.resolve("a/bb/ccc/dddd"), src.resolve("Neue Verzeichnis/moved dddd"));
    fs.rename("/lower.txt", "/emptydir/Lower Renamed.txt");
    Files.move(src.resolve("lower.txt"), src.resolve("emptydir/Lower Renamed.txt"));
    fs.rmdir("/a/bb/ccc");
    Files.delete(src.resolve("a/bb/ccc"));
    fs.write("/Neue Verzeichnis/moved dddd/eeeee/new leaf.txt", msg);
    Files.write(src.resolve("Neue Verzeichnis/moved dddd/eeeee/new leaf.txt"), msg);
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
