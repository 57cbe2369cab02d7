package io.morgana.fs.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.api.Block;
import io.morgana.block.RamBlock;
import io.morgana.testkit.FaultInjectingBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Power cut after every write of a small workload ({@link FaultInjectingBlock}): {@code fsck.fat
 * -n} finds nothing beyond lost clusters (and a stale FSInfo free count), Morgana's own checker
 * agrees, and every file holds its old or its new content.
 */
class PowerCutTest {

  @TempDir Path tmp;

  static final byte[] OLD_A = fill(5000, 1);
  static final byte[] NEW_A = fill(9000, 2);
  static final byte[] OLD_B = fill(700, 3);
  static final byte[] B_TAIL = fill(2600, 4);
  static final byte[] NEW_C = fill(3000, 5);
  static final byte[] OLD_D = fill(4000, 6);
  static final byte[] OLD_E = fill(1500, 7);
  static final byte[] OLD_F = fill(6000, 8);
  static final byte[] OLD_NESTED = fill(100, 9);

  static byte[] fill(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static void setUp(FatFileSystem fs) throws IOException {
    fs.write("/file a.txt", OLD_A);
    fs.write("/b.log", OLD_B);
    fs.write("/to delete.bin", OLD_D);
    fs.mkdir("/dir");
    fs.write("/dir/e.dat", OLD_E);
    fs.write("/dir/f.dat", OLD_F);
    fs.mkdir("/old dir");
    fs.write("/old dir/nested.txt", OLD_NESTED);
  }

  /** Replace a, append to b, create c, delete d, cut e, rename a directory, mkdir, overwrite f in the middle. */
  static void workload(FatFileSystem fs) throws IOException {
    fs.write("/file a.txt", NEW_A);
    try (FatFile f = fs.open("/b.log")) {
      f.append(B_TAIL, 0, B_TAIL.length);
    }
    fs.write("/new c with a long name.txt", NEW_C);
    fs.delete("/to delete.bin");
    fs.truncate("/dir/e.dat", 10);
    fs.rename("/old dir", "/dir/renamed dir");
    fs.mkdir("/made");
    try (FatFile f = fs.open("/dir/f.dat")) {
      f.write(1000, NEW_C, 0, 3000);
    }
  }

  @ParameterizedTest
  @EnumSource(FatType.class)
  void powerCutAfterEveryWrite_leavesOnlyLostClustersAndOldOrNewContent(FatType type) throws IOException {
    powerCuts(type, Images.options());
  }

  /** An 8-sector cache: write-backs forced by evictions in the middle of the workload. */
  @ParameterizedTest
  @EnumSource(value = FatType.class, names = {"FAT12", "FAT16"})
  void powerCutAfterEveryWrite_withATinyCache(FatType type) throws IOException {
    powerCuts(type, Images.options().withCacheSectors(8));
  }

  void powerCuts(FatType type, FatFileSystem.Options options) throws IOException {
    HostFat.require();
    long bytes = type == FatType.FAT32 ? 34L << 20 : type == FatType.FAT16 ? 4L << 20 : 1L << 20;
    RamBlock base = RamBlock.create(bytes / 512);
    FatFileSystem.format(base, FormatOptions.defaults().withType(type).withClusterSize(512).withVolumeId(7),
        Images.CLOCK);
    try (FatFileSystem fs = FatFileSystem.open(base, Images.options())) {
      setUp(fs);
    }
    byte[] initial = base.toByteArray();

    // Dry run: how many writes does the workload make?
    FaultInjectingBlock counting = new FaultInjectingBlock(RamBlock.copyOf(initial));
    try (FatFileSystem fs = FatFileSystem.open(counting, options)) {
      workload(fs);
    }
    long total = counting.writes();
    assertTrue(total > 10, "workload made " + total + " writes");

    Path img = tmp.resolve("cut.img");
    for (long cut = 0; cut <= total; cut++) {
      FaultInjectingBlock disk = new FaultInjectingBlock(RamBlock.copyOf(initial)).powerCutAfterWrite(cut);
      try {
        FatFileSystem fs = FatFileSystem.open(disk, options);
        workload(fs);
        fs.close();
      } catch (IOException expected) {
        // the power went
      }
      byte[] survived = ((RamBlock) disk.disk()).toByteArray();
      Files.write(img, survived);
      List<String> damage = HostFat.fsckDamage(img);
      assertEquals(List.of(), damage, "fsck.fat after a power cut after write " + cut + " of " + total);
      // FAT copies may differ (caught between the two copies' writes): each alone must be sound.
      byte[] promoted = HostFat.withFatPromoted(survived, 1);
      if (!Arrays.equals(promoted, survived)) {
        Files.write(img, promoted);
        assertEquals(List.of(), HostFat.fsckDamage(img),
            "fsck.fat on the second FAT after a power cut after write " + cut + " of " + total);
      }
      Block after = disk.disk();
      FatChecker.Report r = FatChecker.check(after);
      for (String p : r.problems()) {
        if (!p.contains("lost cluster") && !p.startsWith("FSInfo free cluster count")
            && !p.startsWith("FAT copy 2 differs")) {
          fail("Morgana's checker after cut " + cut + ": " + r.problems());
        }
      }
      try (FatFileSystem fs = FatFileSystem.open(after, Images.options())) {
        String at = " after a power cut after write " + cut + " of " + total;
        oneOf(fs, "/file a.txt", at, OLD_A, NEW_A);
        oneOf(fs, "/b.log", at, OLD_B, concat(OLD_B, B_TAIL));
        oneOf(fs, "/new c with a long name.txt", at, null, new byte[0], NEW_C);
        oneOf(fs, "/to delete.bin", at, OLD_D, null);
        oneOf(fs, "/dir/e.dat", at, OLD_E, Arrays.copyOf(OLD_E, 10));
        byte[] f2 = OLD_F.clone();
        System.arraycopy(NEW_C, 0, f2, 1000, 3000);
        oneOf(fs, "/dir/f.dat", at, OLD_F, f2);
        // A rename removes the old name before writing the new: in between, the directory is
        // unreachable (its clusters lost) -- the one case where neither name exists.
        byte[] a = fs.exists("/old dir/nested.txt") ? fs.readAllBytes("/old dir/nested.txt") : null;
        byte[] b = fs.exists("/dir/renamed dir/nested.txt") ? fs.readAllBytes("/dir/renamed dir/nested.txt") : null;
        assertTrue(a == null || b == null, "both names of the renamed directory" + at);
        if (a != null || b != null) {
          assertTrue(Arrays.equals(OLD_NESTED, a != null ? a : b), "nested content" + at);
        }
        // The survivor can be used: write something, then everything is clean but lost clusters.
        fs.write("/after the cut.txt", NEW_C);
      }
    }
  }

  private static void oneOf(FatFileSystem fs, String path, String at, byte[]... allowed) throws IOException {
    byte[] got = fs.exists(path) ? fs.readAllBytes(path) : null;
    for (byte[] a : allowed) {
      if (a == null ? got == null : got != null && Arrays.equals(a, got)) {
        return;
      }
    }
    List<String> sizes = new ArrayList<>();
    for (byte[] a : allowed) {
      sizes.add(a == null ? "absent" : a.length + " bytes");
    }
    fail(path + at + ": " + (got == null ? "absent" : got.length + " bytes") + ", expected one of " + sizes);
  }
}
