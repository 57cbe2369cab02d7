package io.morgana.fs.fat;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * How to format a volume. Everything left unset is chosen as {@code mkfs.fat} (dosfstools 4.2)
 * chooses it for the volume's size: FAT32 from 512 MiB, otherwise FAT12 or FAT16 by cluster
 * count; FAT32 clusters by Microsoft's table (512 B up to 260 MiB, 4 KiB up to 8 GiB, ...);
 * FAT12/16 clusters from 2 KiB, doubled until the count fits; the standard floppy geometries for
 * 360 K, 720 K, 1.2 M, 1.44 M and 2.88 M volumes.
 *
 * @param type the FAT type, or empty for automatic
 * @param clusterSize bytes per cluster (a power of two, 512 B .. 64 KiB), or 0 for automatic
 * @param label volume label (up to 11 characters, upper-cased), empty for none
 * @param volumeId serial number, or empty to derive one from the current time
 */
public record FormatOptions(Optional<FatType> type, int clusterSize, String label, OptionalLong volumeId) {

  public FormatOptions {
    if (clusterSize != 0 && (clusterSize < 512 || clusterSize > 65536 || Integer.bitCount(clusterSize) != 1)) {
      throw new IllegalArgumentException("cluster size must be a power of two from 512 to 65536, got " + clusterSize);
    }
    if (label.length() > 11) {
      throw new IllegalArgumentException("volume label longer than 11 characters: " + label);
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (c < 0x20 || c > 0x7E || "\"*+,./:;<=>?[\\]|".indexOf(c) >= 0) {
        throw new IllegalArgumentException("volume label character '" + c + "' not allowed");
      }
    }
  }

  /** Everything automatic, no label. */
  public static FormatOptions defaults() {
    return new FormatOptions(Optional.empty(), 0, "", OptionalLong.empty());
  }

  public FormatOptions withType(FatType t) {
    return new FormatOptions(Optional.of(t), clusterSize, label, volumeId);
  }

  public FormatOptions withClusterSize(int bytes) {
    return new FormatOptions(type, bytes, label, volumeId);
  }

  public FormatOptions withLabel(String l) {
    return new FormatOptions(type, clusterSize, l, volumeId);
  }

  public FormatOptions withVolumeId(long id) {
    return new FormatOptions(type, clusterSize, label, OptionalLong.of(id & 0xFFFFFFFFL));
  }
}
