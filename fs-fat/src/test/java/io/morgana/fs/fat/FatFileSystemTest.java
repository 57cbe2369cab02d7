package io.morgana.fs.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.block.RamBlock;
import io.morgana.fs.fat.wire.FsInfo;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FatFileSystemTest {

  static FatFileSystem fresh(FatType type) throws IOException {
    long bytes = type == FatType.FAT32 ? 34L << 20 : type == FatType.FAT16 ? 4L << 20 : 1L << 20;
    RamBlock b = RamBlock.create(bytes / 512);
    FatFileSystem.format(b, FormatOptions.defaults().withType(type).withClusterSize(512), Images.CLOCK);
    return FatFileSystem.open(b, Images.options());
  }

  /** Morgana's checker on the device, after the pending write-back. */
  static FatChecker.Report checked(FatFileSystem fs) throws IOException {
    fs.flush();
    return FatChecker.check(fs.block());
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The cluster chain of {@code path}, read from the FAT on the device. */
  static long[] chainOnDisk(FatFileSystem fs, String path) throws IOException {
    fs.flush();
    var bpb = fs.bootSector();
    int fatSectors = (int) Math.min(bpb.fatSectors(),
        (((bpb.clusterCount() + 2) * bpb.fatBits() + 7) / 8 + bpb.bytesPerSector() - 1) / bpb.bytesPerSector());
    byte[] bytes = new byte[fatSectors * bpb.bytesPerSector() + 4];
    fs.block().read(bpb.fatStart() * (bpb.bytesPerSector() / 512),
        Unpooled.wrappedBuffer(bytes, 0, fatSectors * bpb.bytesPerSector()).clear());
    var fat = new io.morgana.fs.fat.internal.FatTable(bytes, bpb.fatBits(), bpb.bytesPerSector(),
        bpb.clusterCount());
    return fat.chain(fs.stat(path).firstCluster());
  }

  /**
   * A file written with its size known up front gets one extent even where the volume is
   * fragmented, and keeps no cluster past its end: preallocate more than is written, and the
   * rest is freed at close.
   */
  @ParameterizedTest
  @EnumSource(FatType.class)
  void preallocate_givesOneExtent_onAFragmentedVolume_andFreesWhatIsNotWritten(FatType type)
      throws IOException {
    try (FatFileSystem fs = fresh(type)) {
      for (int i = 0; i < 20; i++) {
        fs.write("/f" + i, random(fs.clusterSize(), i));
      }
      for (int i = 0; i < 20; i += 2) {
        fs.delete("/f" + i); // one-cluster holes
      }
      long free = fs.freeClusters();
      byte[] data = random(6 * fs.clusterSize() - 10, 99);
      try (FatFile f = fs.create("/big")) {
        f.preallocate(9L * fs.clusterSize());
        assertEquals(0, f.size());
        assertEquals(free - 9, fs.freeClusters());
        f.write(0, data, 0, data.length);
      }
      assertEquals(free - 6, fs.freeClusters());
      long[] chain = chainOnDisk(fs, "/big");
      assertEquals(6, chain.length);
      for (int i = 1; i < chain.length; i++) {
        assertEquals(chain[0] + i, chain[i], "one extent");
      }
      assertArrayEquals(data, fs.readAllBytes("/big"));
      try (FatFile f = fs.open("/big")) {
        f.preallocate(20L * fs.clusterSize());
        f.discard(); // nothing published: the reserved clusters go back
      }
      assertEquals(free - 6, fs.freeClusters());
      assertThrows(FatDiskFullException.class, () -> {
        try (FatFile f = fs.open("/big")) {
          f.preallocate(fs.freeBytes() + 7L * fs.clusterSize());
        }
      });
      assertEquals(free - 6, fs.freeClusters());
      assertEquals(List.of(), checked(fs).problems());
    }
  }

  /**
   * Small runs that end inside a sector go to the device as one request with the tail
   * zero-padded only when the rest of that sector is past the file's end; otherwise the live bytes
   * after the write stay. Multi-sector clusters, checked in the cache and again from the disk.
   */
  @Test
  void writesEndingInsideASector_keepLiveBytesAfterThem_andReachTheDisk() throws IOException {
    RamBlock b = RamBlock.create((32L << 20) / 512); // FAT16 needs more than 4084 clusters
    FatFileSystem.format(b, FormatOptions.defaults().withType(FatType.FAT16).withClusterSize(4096),
        Images.CLOCK);
    byte[] model = Arrays.copyOf(random(2000, 7), 2000);
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      try (FatFile f = fs.create("/a.bin")) {
        f.write(0, model, 0, 1300); // two whole sectors and a partial one, past the end
        f.write(1300, model, 1300, 700); // goes on inside that partial sector, and the next
        byte[] patch = random(600, 8);
        f.write(0, patch, 0, 600); // ends inside a sector whose rest is live data
        System.arraycopy(patch, 0, model, 0, 600);
        byte[] got = new byte[2000];
        assertEquals(2000, f.read(0, got, 0, got.length));
        assertArrayEquals(model, got);
        byte[] mid = new byte[900];
        assertEquals(900, f.read(100, mid, 0, mid.length));
        assertArrayEquals(Arrays.copyOfRange(model, 100, 1000), mid);
      }
    }
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      assertArrayEquals(model, fs.readAllBytes("/a.bin"));
      FatChecker.Report r = FatChecker.check(b);
      assertTrue(r.clean(), r.problems().toString());
    }
  }

  @ParameterizedTest
  @EnumSource(FatType.class)
  void readAndWriteAtAnyOffset_appendAndTruncate(FatType type) throws IOException {
    try (FatFileSystem fs = fresh(type)) {
      byte[] model = random(10_000, 1);
      try (FatFile f = fs.create("/data.bin")) {
        f.write(0, model, 0, model.length);
        byte[] patch = random(777, 2);
        f.write(511, patch, 0, patch.length); // across sector and cluster boundaries
        System.arraycopy(patch, 0, model, 511, patch.length);
        f.append(patch, 0, 100);
        model = Arrays.copyOf(model, model.length + 100);
        System.arraycopy(patch, 0, model, 10_000, 100);
        byte[] got = new byte[model.length];
        assertEquals(model.length, f.read(0, got, 0, got.length));
        assertArrayEquals(model, got);
        byte[] mid = new byte[1000];
        assertEquals(1000, f.read(4321, mid, 0, 1000));
        assertArrayEquals(Arrays.copyOfRange(model, 4321, 5321), mid);
        assertEquals(0, f.read(model.length, mid, 0, 10));
      }
      assertArrayEquals(model, fs.readAllBytes("/DATA.BIN"));
      fs.truncate("/data.bin", 1234);
      assertArrayEquals(Arrays.copyOf(model, 1234), fs.readAllBytes("/data.bin"));
      fs.truncate("/data.bin", 3000); // grows with zeros
      assertArrayEquals(Arrays.copyOf(model, 1234), Arrays.copyOf(fs.readAllBytes("/data.bin"), 1234));
      assertTrue(Arrays.equals(new byte[3000 - 1234], Arrays.copyOfRange(fs.readAllBytes("/data.bin"), 1234, 3000)));
      try (FatFile f = fs.open("/data.bin")) {
        f.write(5000, new byte[] {9}, 0, 1); // past the end: a zero gap
      }
      byte[] all = fs.readAllBytes("/data.bin");
      assertEquals(5001, all.length);
      assertEquals(0, all[4000]);
      assertEquals(9, all[5000]);
      assertTrue(checked(fs).clean());
    }
  }

  @Test
  void lookup_isCaseInsensitiveOnLongAndShortNames() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT16)) {
      fs.mkdir("/My Documents");
      fs.write("/My Documents/Letter to Grandma.txt", new byte[] {1, 2, 3});
      assertArrayEquals(new byte[] {1, 2, 3}, fs.readAllBytes("/my documents/LETTER TO GRANDMA.TXT"));
      assertArrayEquals(new byte[] {1, 2, 3}, fs.readAllBytes("/MYDOCU~1/LETTER~1.TXT"));
      assertEquals("Letter to Grandma.txt", fs.stat("/mydocu~1/letter~1.txt").name());
      assertEquals("LETTER~1.TXT", fs.stat("/My Documents/Letter to Grandma.txt").shortName());
      assertThrows(FileAlreadyExistsException.class, () -> fs.create("/my documents/letter TO grandma.TXT"));
    }
  }

  @Test
  void namesOutsideTheBmp_roundTripAsUtf16SurrogatePairs() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT16)) {
      String name = "emoji-\uD83D\uDE00 and \uD834\uDD1E.txt";
      fs.write("/" + name, new byte[] {7});
      assertEquals(name, fs.list("/").getFirst().name());
      assertEquals("EMOJI-~1.TXT", fs.stat("/" + name).shortName());
      assertEquals(List.of(), checked(fs).problems());
    }
  }

  @Test
  void invalidNames_areRefusedWithTheReason() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT12)) {
      for (String bad : List.of("/a*b", "/what?", "/x.", "/y ", "/tab\there", "/" + "n".repeat(256), "/a<b", "/a|b")) {
        FileSystemException e = assertThrows(FileSystemException.class, () -> fs.write(bad, new byte[1]), bad);
        assertTrue(e.getMessage().contains("invalid name"), e.getMessage());
      }
      fs.write("/" + "n".repeat(255), new byte[1]); // the longest allowed
      assertEquals(255, fs.list("/").getFirst().name().length());
    }
  }

  @Test
  void rmdir_refusesNonEmptyAndRemovesEmpty() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT32)) {
      fs.mkdir("/d");
      fs.write("/d/f", new byte[10]);
      assertThrows(DirectoryNotEmptyException.class, () -> fs.rmdir("/d"));
      assertThrows(FileSystemException.class, () -> fs.delete("/d"));
      assertThrows(NotDirectoryException.class, () -> fs.rmdir("/d/f"));
      fs.delete("/d/f");
      fs.rmdir("/d");
      assertFalse(fs.exists("/d"));
      assertThrows(NoSuchFileException.class, () -> fs.stat("/d"));
    }
  }

  @Test
  void renameAndMove_keepContentAndFixDotDot() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT16)) {
      fs.mkdir("/a");
      fs.mkdir("/a/b");
      fs.write("/a/b/file", new byte[] {42});
      fs.mkdir("/c");
      fs.rename("/a/b", "/c/moved");
      assertArrayEquals(new byte[] {42}, fs.readAllBytes("/c/moved/file"));
      assertThrows(FileSystemException.class, () -> fs.rename("/c", "/c/moved/inside"));
      fs.rename("/c/moved/file", "/c/moved/FILE"); // case-only rename
      assertEquals("FILE", fs.list("/c/moved").getFirst().name());
      fs.write("/other", new byte[0]);
      assertThrows(FileAlreadyExistsException.class, () -> fs.rename("/other", "/c/moved/file"));
      assertEquals(List.of(), checked(fs).problems());
    }
  }

  @Test
  void diskFull_leavesNothingHalfWritten() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT12)) {
      byte[] keep = random(5000, 3);
      fs.write("/keep.bin", keep);
      long free = fs.freeClusters();
      byte[] tooBig = new byte[(int) (free + 1) * fs.clusterSize()];
      assertThrows(FatDiskFullException.class, () -> fs.write("/new.bin", tooBig));
      assertFalse(fs.exists("/new.bin"));
      assertEquals(free, fs.freeClusters());
      // Replacing an existing file that cannot fit: the old content stays.
      assertThrows(FatDiskFullException.class, () -> fs.write("/keep.bin", tooBig));
      assertArrayEquals(keep, fs.readAllBytes("/keep.bin"));
      assertEquals(free, fs.freeClusters());
      try (FatFile f = fs.open("/keep.bin")) {
        assertThrows(FatDiskFullException.class, () -> f.append(tooBig, 0, tooBig.length));
      }
      assertArrayEquals(keep, fs.readAllBytes("/keep.bin"));
      assertEquals(free, fs.freeClusters());
      assertEquals(List.of(), checked(fs).problems());
    }
  }

  @Test
  void fixedRootDirectory_fullIsAClearError() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT12)) {
      int made = 0;
      FatDiskFullException e = null;
      while (e == null && made < 1000) {
        try {
          fs.write("/f" + made, new byte[0]);
          made++;
        } catch (FatDiskFullException x) {
          e = x;
        }
      }
      assertTrue(e != null && e.getMessage().contains("root directory full"), String.valueOf(e));
      assertEquals(List.of(), checked(fs).problems());
    }
  }

  @Test
  void fileSize_isLimitedTo4GiBMinus1() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT32); FatFile f = fs.create("/huge")) {
      FileSystemException e = assertThrows(FileSystemException.class,
          () -> f.write(FatFileSystem.MAX_FILE_SIZE, new byte[1], 0, 1));
      assertTrue(e.getMessage().contains("4 GiB"), e.getMessage());
      assertThrows(FileSystemException.class, () -> f.truncate(FatFileSystem.MAX_FILE_SIZE + 1));
      assertThrows(FatDiskFullException.class, () -> f.truncate(FatFileSystem.MAX_FILE_SIZE));
    }
  }

  @Test
  void timestamps_comeFromTheClockGiven() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT16)) {
      fs.write("/t", new byte[1]);
      FatEntry e = fs.stat("/t");
      assertEquals(LocalDateTime.parse("2026-11-26T12:34:56.780"), e.created());
      assertEquals(LocalDateTime.parse("2026-11-26T12:34:56"), e.modified());
      assertEquals(LocalDate.parse("2026-11-26"), e.accessed());
      assertEquals(FatEntry.ARCHIVE, e.attributes() & FatEntry.ARCHIVE);
      fs.setAttributes("/t", FatEntry.READ_ONLY | FatEntry.HIDDEN);
      assertEquals(FatEntry.READ_ONLY | FatEntry.HIDDEN, fs.stat("/t").attributes());
    }
  }

  @Test
  void fat32_fsInfoFreeCountAndHintStayRight() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT32)) {
      fs.write("/a", new byte[100_000]);
      fs.write("/b", new byte[1]);
      fs.delete("/a");
      fs.flush();
      byte[] sector = new byte[512];
      fs.block().read(fs.bootSector().fsInfoSector(), Unpooled.wrappedBuffer(sector).clear());
      FsInfo info = FsInfo.parse(Unpooled.wrappedBuffer(sector), 0);
      assertEquals(fs.freeClusters(), info.freeCount());
      assertTrue(info.nextFree() >= 2 && info.nextFree() <= fs.clusterCount() + 1);
      assertEquals(List.of(), checked(fs).problems());
    }
  }

  @Test
  void aFileOpenTwice_isRefused() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT16); FatFile f = fs.create("/x")) {
      assertThrows(FileSystemException.class, () -> fs.open("/x"));
      assertThrows(FileSystemException.class, () -> fs.delete("/x"));
      f.write(0, new byte[3], 0, 3);
    }
  }

  @Test
  void directorySpanningManyClusters_growsAndStaysListable() throws IOException {
    try (FatFileSystem fs = fresh(FatType.FAT32)) {
      fs.mkdir("/big");
      for (int i = 0; i < 300; i++) {
        fs.write("/big/a rather long file name number " + i + ".txt", new byte[] {(byte) i});
      }
      assertEquals(300, fs.list("/big").size());
      assertEquals((byte) 299, fs.readAllBytes("/big/A RATHER LONG FILE NAME NUMBER 299.TXT")[0]);
      assertEquals(List.of(), checked(fs).problems());
    }
  }
}
