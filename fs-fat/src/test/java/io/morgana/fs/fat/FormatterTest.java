package io.morgana.fs.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Block;
import io.morgana.block.RamBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** format() picks the FAT type and cluster size mkfs.fat picks; fsck.fat accepts the result. */
class FormatterTest {

  @TempDir Path tmp;

  /** Values seen from mkfs.fat 4.2 (dosfstools) on image files of these sizes. */
  @ParameterizedTest(name = "{0} KiB -> {1}, {2} sectors per cluster")
  @CsvSource({
    "360, FAT12, 2", "720, FAT12, 2", "1440, FAT12, 1", "2880, FAT12, 2", "4096, FAT12, 4",
    "8192, FAT12, 4", "16384, FAT16, 4", "65536, FAT16, 4", "262144, FAT16, 8", "409600, FAT16, 16",
    "524288, FAT32, 8", "1048576, FAT32, 8", "4194304, FAT32, 8",
  })
  void choosesLikeMkfsFat(long kib, FatType type, int sectorsPerCluster) throws IOException {
    Formatter.Layout l = Formatter.choose(kib * 2, 512, FormatOptions.defaults());
    assertEquals(type.bits(), l.bits());
    assertEquals(sectorsPerCluster, l.sectorsPerCluster());
  }

  @ParameterizedTest(name = "{0} KiB")
  @ValueSource(longs = {1440, 8192, 20000, 65536, 409600, 600000})
  void sameTypeAndClusterSizeAsMkfsFat_andFsckClean(long kib) throws IOException {
    HostFat.require();
    Path theirs = tmp.resolve("theirs.img");
    Files.deleteIfExists(theirs);
    HostFat.runOk("mkfs.fat", "-C", theirs.toString(), Long.toString(kib));
    Path ours = tmp.resolve("ours.img");
    try (Block b = Images.create(ours, kib * 1024)) {
      FatFileSystem.format(b, FormatOptions.defaults().withLabel("Morgana"), Images.CLOCK);
    }
    HostFat.assertFsckClean(ours);
    try (Block t = Images.open(theirs); Block o = Images.open(ours);
        FatFileSystem ft = FatFileSystem.open(t, Images.options());
        FatFileSystem fo = FatFileSystem.open(o, Images.options())) {
      assertEquals(ft.type(), fo.type());
      assertEquals(ft.clusterSize(), fo.clusterSize());
      assertEquals("MORGANA", fo.label());
    }
  }

  @ParameterizedTest
  @CsvSource({"FAT12, 512", "FAT16, 2048", "FAT32, 512", "FAT32, 4096"})
  void explicitTypeAndClusterSize_areHonoured(FatType type, int cluster) throws IOException {
    RamBlock b = RamBlock.create((40L << 20) / 512);
    if (type == FatType.FAT12) {
      b = RamBlock.create((2L << 20) / 512);
    }
    FatFileSystem.format(b, FormatOptions.defaults().withType(type).withClusterSize(cluster).withVolumeId(0xdeadbeefL), Images.CLOCK);
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      assertEquals(type, fs.type());
      assertEquals(cluster, fs.clusterSize());
      assertEquals(0xdeadbeefL, fs.volumeId());
    }
  }

  /**
   * Microsoft FAT specification §3.5: the cluster count alone makes a volume FAT12 (at most
   * 4,084 clusters) or FAT16, so a FAT16 that small would be read as FAT12. mkfs.fat refuses it.
   */
  @Test
  void forcedFat16WithTooFewClusters_isRefused() {
    IOException e = assertThrows(IOException.class, () -> Formatter.choose((8L << 20) / 512, 512,
        FormatOptions.defaults().withType(FatType.FAT16).withClusterSize(4096)));
    assertTrue(e.getMessage().contains("FAT16"), e.getMessage());
    assertThrows(IOException.class, () -> Formatter.choose((1L << 20) / 512, 512,
        FormatOptions.defaults().withType(FatType.FAT16)));
  }

  @Test
  void forcedFat16OnASmallVolume_takesSmallerClustersToStayAboveTheFat12Limit() throws IOException {
    Formatter.Layout l = Formatter.choose((8L << 20) / 512, 512, FormatOptions.defaults().withType(FatType.FAT16));
    assertEquals(16, l.bits());
    assertTrue(l.clusters() > 4084, "clusters: " + l.clusters());
    RamBlock b = RamBlock.create((8L << 20) / 512);
    FatFileSystem.format(b, FormatOptions.defaults().withType(FatType.FAT16), Images.CLOCK);
    try (FatFileSystem fs = FatFileSystem.open(b, Images.options())) {
      assertEquals(FatType.FAT16, fs.type());
    }
  }
}
