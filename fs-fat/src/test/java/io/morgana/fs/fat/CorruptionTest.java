package io.morgana.fs.fat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.block.RamBlock;
import io.morgana.fs.fat.wire.FatFormatException;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damaged volumes give clear errors ({@link IOException}s, mostly {@link FatFormatException}),
 * never a hang, a runtime exception or an endless walk: seeded bit flips in the FAT and directory
 * areas, chain loops, cross-links and directory cycles built by hand.
 */
class CorruptionTest {

  static RamBlock populated(FatType type) throws IOException {
    long bytes = type == FatType.FAT32 ? 34L << 20 : type == FatType.FAT16 ? 4L << 20 : 1L << 20;
    RamBlock b = RamBlock.create(bytes / 512);
    FatFileSystem.format(b, FormatOptions.defaults().withType(type).withClusterSize(512).withVolumeId(1), Images.CLOCK);
    Random r = new Random(3);
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      for (int d = 0; d < 4; d++) {
        fs.mkdir("/directory number " + d);
        for (int f = 0; f < 12; f++) {
          byte[] data = new byte[r.nextInt(4000)];
          r.nextBytes(data);
          fs.write("/directory number " + d + "/a file with a long name " + f + ".bin", data);
        }
      }
      fs.mkdir("/directory number 0/sub");
      fs.write("/directory number 0/sub/x.txt", new byte[1234]);
    }
    return b;
  }

  /** Lists and reads everything (depth-bounded), then writes and deletes: only IOExceptions. */
  static int exercise(RamBlock b) {
    int errors = 0;
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      errors += walk(fs, "/", 0);
      try {
        fs.write("/written after damage.txt", new byte[5000]);
        fs.delete("/written after damage.txt");
      } catch (IOException e) {
        errors++;
      }
      try {
        fs.mkdir("/directory number 1/new");
      } catch (IOException e) {
        errors++;
      }
    } catch (IOException e) {
      errors++;
    }
    try {
      FatChecker.check(b);
    } catch (IOException e) {
      errors++;
    }
    return errors;
  }

  private static int walk(FatFileSystem fs, String dir, int depth) {
    if (depth > 20) {
      return 1;
    }
    int errors = 0;
    try {
      for (FatEntry e : fs.list(dir)) {
        String p = dir.endsWith("/") ? dir + e.name() : dir + "/" + e.name();
        try {
          if (e.directory()) {
            errors += walk(fs, p, depth + 1);
          } else {
            fs.readAllBytes(p);
          }
        } catch (IOException x) {
          errors++;
        }
      }
    } catch (IOException x) {
      errors++;
    }
    return errors;
  }

  @ParameterizedTest
  @EnumSource(FatType.class)
  void randomBitFlipsInFatAndDirectories_giveErrorsNotHangs(FatType type) throws IOException {
    RamBlock clean = populated(type);
    byte[] image = clean.toByteArray();
    FatFileSystem probe = FatFileSystem.open(RamBlock.copyOf(image), Images.options());
    long fatStart = probe.bootSector().fatStart() * 512;
    long fatBytes = probe.bootSector().fatSectors() * 512;
    long dataStart = probe.bootSector().dataStart() * 512;
    long rootStart = probe.bootSector().rootDirStart() * 512;
    probe.close();
    for (int seed = 0; seed < 40; seed++) {
      Random r = new Random(seed);
      byte[] bad = image.clone();
      for (int i = 0; i < 1 + r.nextInt(30); i++) {
        long at;
        switch (r.nextInt(3)) {
          case 0 -> at = fatStart + r.nextInt((int) Math.min(fatBytes, 64 * 1024));
          case 1 -> at = rootStart + r.nextInt((int) (dataStart - rootStart + 16 * 512));
          default -> at = dataStart + r.nextInt(200 * 512);
        }
        bad[(int) at] ^= (byte) (1 << r.nextInt(8));
      }
      int s = seed;
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        try {
          exercise(RamBlock.copyOf(bad));
        } catch (RuntimeException e) {
          fail("seed " + s + ": runtime exception instead of an IOException", e);
        }
      }, "seed " + s);
    }
  }

  @Test
  void bootSectorBitFlips_areRefusedOrMount() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      byte[] image = populated(FatType.FAT16).toByteArray();
      for (int seed = 0; seed < 200; seed++) {
        Random r = new Random(seed);
        byte[] bad = image.clone();
        for (int i = 0; i < 1 + r.nextInt(4); i++) {
          bad[r.nextInt(512)] ^= (byte) (1 << r.nextInt(8));
        }
        try {
          exercise(RamBlock.copyOf(bad));
        } catch (RuntimeException e) {
          fail("seed " + seed, e);
        }
      }
    });
  }

  @Test
  void notAFatVolume_isAClearError() {
    FatFormatException e = assertThrows(FatFormatException.class,
        () -> FatFileSystem.open(RamBlock.create(2048), Images.options()));
    assertTrue(e.getMessage().contains("not a FAT volume"), e.getMessage());
    byte[] noise = new byte[1 << 20];
    new Random(5).nextBytes(noise);
    assertThrows(FatFormatException.class, () -> FatFileSystem.open(RamBlock.copyOf(noise), Images.options()));
  }

  /** Points the FAT entry of {@code cluster} at {@code next} in every copy. */
  static void link(RamBlock b, FatFileSystem fsForGeometry, long cluster, long next) throws IOException {
    byte[] img = b.toByteArray();
    var bpb = fsForGeometry.bootSector();
    for (int copy = 0; copy < bpb.numFats(); copy++) {
      int base = (int) ((bpb.fatStart() + copy * bpb.fatSectors()) * 512);
      switch (bpb.fatBits()) {
        case 16 -> {
          img[base + (int) cluster * 2] = (byte) next;
          img[base + (int) cluster * 2 + 1] = (byte) (next >> 8);
        }
        case 32 -> {
          for (int i = 0; i < 4; i++) {
            img[base + (int) cluster * 4 + i] = (byte) (next >> (8 * i));
          }
        }
        default -> throw new IllegalArgumentException();
      }
    }
    b.write(0, io.netty.buffer.Unpooled.wrappedBuffer(img));
  }

  @ParameterizedTest
  @EnumSource(value = FatType.class, names = {"FAT16", "FAT32"})
  void chainLoop_isDetectedNotFollowed(FatType type) throws IOException {
    RamBlock b = RamBlock.create((type == FatType.FAT32 ? 34L << 20 : 4L << 20) / 512);
    FatFileSystem.format(b, FormatOptions.defaults().withType(type).withClusterSize(512), Images.CLOCK);
    long first;
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      fs.write("/loop.bin", new byte[3000]); // 6 clusters
      first = fs.stat("/loop.bin").firstCluster();
      fs.flush();
      link(b, fs, first + 5, first + 1); // last -> second: a loop
    }
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
        FatFormatException e = assertThrows(FatFormatException.class, () -> fs.readAllBytes("/loop.bin"));
        assertTrue(e.getMessage().contains("loops"), e.getMessage());
        assertThrows(FatFormatException.class, () -> fs.delete("/loop.bin"));
      }
      FatChecker.Report r = FatChecker.check(b);
      assertFalse(r.clean());
      assertTrue(r.problems().stream().anyMatch(p -> p.contains("loops")), r.problems().toString());
    });
  }

  @Test
  void outOfRangeLink_isDetected() throws IOException {
    RamBlock b = RamBlock.create((4L << 20) / 512);
    FatFileSystem.format(b, FormatOptions.defaults().withType(FatType.FAT16).withClusterSize(512), Images.CLOCK);
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      fs.write("/f", new byte[2000]);
      fs.flush();
      link(b, fs, fs.stat("/f").firstCluster() + 1, 0xFFF0);
    }
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      FatFormatException e = assertThrows(FatFormatException.class, () -> fs.readAllBytes("/f"));
      assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }
    assertTrue(FatChecker.check(b).problems().stream().anyMatch(p -> p.contains("leaves the volume")));
  }

  @Test
  void crossLinkedChains_areReportedByTheChecker() throws IOException {
    RamBlock b = RamBlock.create((4L << 20) / 512);
    FatFileSystem.format(b, FormatOptions.defaults().withType(FatType.FAT16).withClusterSize(512), Images.CLOCK);
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      fs.write("/one", new byte[2000]);
      fs.write("/two", new byte[2000]);
      long one = fs.stat("/one").firstCluster();
      long two = fs.stat("/two").firstCluster();
      fs.flush();
      link(b, fs, one + 3, two + 2); // one's tail runs into two's chain
    }
    FatChecker.Report r = FatChecker.check(b);
    assertTrue(r.problems().stream().anyMatch(p -> p.contains("cross-linked")), r.problems().toString());
  }

  @Test
  void directoryCycle_isBoundedAndReported() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      RamBlock b = RamBlock.create((4L << 20) / 512);
      FatFileSystem.format(b, FormatOptions.defaults().withType(FatType.FAT16).withClusterSize(512), Images.CLOCK);
      long outer;
      try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
        fs.mkdir("/outer");
        fs.mkdir("/outer/inner");
        outer = fs.stat("/outer").firstCluster();
        // Point inner's entry at outer's cluster: outer/inner/inner/... forever.
        long inner = fs.stat("/outer/inner").firstCluster();
        fs.flush();
        byte[] img = b.toByteArray();
        long dirSector = fs.bootSector().dataStart() + (outer - 2);
        int at = (int) (dirSector * 512);
        for (int slot = 0; slot < 16; slot++) {
          int o = at + slot * 32;
          if ((img[o + 26] & 0xFF | (img[o + 27] & 0xFF) << 8) == inner && img[o + 11] == 0x10) {
            img[o + 26] = (byte) outer;
            img[o + 27] = (byte) (outer >> 8);
          }
        }
        b.write(0, io.netty.buffer.Unpooled.wrappedBuffer(img));
      }
      try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
        exercise(b);
        fs.list("/outer/inner/inner/inner");
      }
      FatChecker.Report r = FatChecker.check(b);
      assertFalse(r.clean());
    });
  }
}
