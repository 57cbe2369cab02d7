package io.morgana.fs.fat.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The validated content of a FAT boot sector (fatgen103 §3) and the volume layout it implies.
 * {@link #parse} refuses anything that is not a FAT volume or whose geometry does not fit the
 * device with {@link FatFormatException}; {@link #emit} writes a boot sector as {@code mkfs.fat}
 * does (a jump over the BPB to a boot stub that halts).
 *
 * <p>The FAT type follows Linux and dosfstools: FAT32 when {@code BPB_FATSz16} is 0, otherwise
 * FAT12 below 4085 clusters and FAT16 from there.
 */
public record BiosParameterBlock(
    String oemName,
    int bytesPerSector,
    int sectorsPerCluster,
    int reservedSectors,
    int numFats,
    int rootEntries,
    long totalSectors,
    int media,
    long fatSectors,
    int sectorsPerTrack,
    int heads,
    long hiddenSectors,
    long rootCluster,
    int fsInfoSector,
    int backupBootSector,
    long volumeId,
    String label,
    boolean fat32) {

  /** Largest cluster count of FAT12 (fatgen103 §3.5: FAT12 below 4085 clusters). */
  public static final int MAX_CLUSTERS_12 = 4084;
  /** Largest cluster count of FAT16. */
  public static final int MAX_CLUSTERS_16 = 65524;
  /** Largest cluster count of FAT32 (28-bit entries, minus reserved values). */
  public static final int MAX_CLUSTERS_32 = 0x0FFFFFF5;

  /** First sector of the first FAT. */
  public long fatStart() {
    return reservedSectors;
  }

  /** Sectors of the fixed FAT12/16 root directory (0 on FAT32). */
  public long rootDirSectors() {
    return ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
  }

  /** First sector of the fixed FAT12/16 root directory. */
  public long rootDirStart() {
    return reservedSectors + (long) numFats * fatSectors;
  }

  /** First sector of cluster 2. */
  public long dataStart() {
    return rootDirStart() + rootDirSectors();
  }

  /** Number of data clusters (clusters 2 .. clusterCount + 1), limited to what the FAT can describe. */
  public long clusterCount() {
    long n = (totalSectors - dataStart()) / sectorsPerCluster;
    long entries = fatSectors * bytesPerSector * 8 / fatBits() - 2;
    return Math.max(0, Math.min(n, entries));
  }

  /** 12, 16 or 32. */
  public int fatBits() {
    if (fat32) {
      return 32;
    }
    long n = (totalSectors - dataStart()) / sectorsPerCluster;
    return n <= MAX_CLUSTERS_12 ? 12 : 16;
  }

  public int clusterBytes() {
    return bytesPerSector * sectorsPerCluster;
  }

  /**
   * Parses and checks the boot sector at absolute {@code offset} of {@code buf} (512 bytes) for a
   * device of {@code deviceBytes} bytes.
   */
  public static BiosParameterBlock parse(ByteBuf buf, int offset, long deviceBytes) throws FatFormatException {
    if (offset < 0 || buf.capacity() < offset + BootSector.LENGTH) {
      throw new FatFormatException("boot sector truncated: need 512 bytes");
    }
    BootSector b = new BootSector().wrap(buf, offset);
    int jmp = b.jmp0();
    if (jmp != 0xEB && jmp != 0xE9) {
      throw new FatFormatException("not a FAT volume: boot sector starts with 0x"
          + Integer.toHexString(jmp) + ", not a jump instruction");
    }
    if (b.signature() != 0xAA55) {
      throw new FatFormatException("not a FAT volume: no 0x55AA boot signature");
    }
    int bps = b.bytesPerSector();
    if (bps < 512 || bps > 4096 || Integer.bitCount(bps) != 1) {
      throw new FatFormatException("not a FAT volume: bytes per sector " + bps);
    }
    int spc = b.sectorsPerCluster();
    if (spc == 0 || spc > 128 || Integer.bitCount(spc) != 1) {
      throw new FatFormatException("not a FAT volume: sectors per cluster " + spc);
    }
    int reserved = b.reservedSectors();
    if (reserved == 0) {
      throw new FatFormatException("not a FAT volume: no reserved sectors");
    }
    int fats = b.numFats();
    if (fats == 0 || fats > 4) {
      throw new FatFormatException("not a FAT volume: " + fats + " FATs");
    }
    int media = b.media();
    if (media != 0xF0 && media < 0xF8) {
      throw new FatFormatException("not a FAT volume: media descriptor 0x" + Integer.toHexString(media));
    }
    long total = b.totalSectors16() != 0 ? b.totalSectors16() : b.totalSectors32();
    if (total == 0) {
      throw new FatFormatException("not a FAT volume: zero sectors");
    }
    boolean fat32 = b.fatSize16() == 0;
    long fatSize = fat32 ? b.fatSize32() : b.fatSize16();
    if (fatSize == 0) {
      throw new FatFormatException("not a FAT volume: FAT size 0");
    }
    int rootEntries = b.rootEntries();
    long rootCluster = 0;
    int fsInfo = 0;
    int backup = 0;
    int ext = BootSector.EXT16_OFFSET;
    if (fat32) {
      if (rootEntries != 0) {
        throw new FatFormatException("FAT32 volume with " + rootEntries + " fixed root entries");
      }
      if (b.fsVersion() != 0) {
        throw new FatFormatException("FAT32 version " + b.fsVersion() + " unsupported");
      }
      rootCluster = b.rootCluster();
      fsInfo = b.fsInfoSector();
      backup = b.backupBootSector();
      ext = BootSector.EXT32_OFFSET;
    } else if (rootEntries == 0) {
      throw new FatFormatException("FAT12/16 volume without a root directory");
    }
    long volumeId = 0;
    String label = "";
    if (b.bootSignature(ext) == 0x29) {
      volumeId = b.volumeId(ext);
      label = new String(b.label(ext), StandardCharsets.ISO_8859_1).stripTrailing();
    }
    BiosParameterBlock bpb = new BiosParameterBlock(
        new String(b.oemName(), StandardCharsets.ISO_8859_1), bps, spc, reserved, fats, rootEntries,
        total, media, fatSize, b.sectorsPerTrack(), b.heads(), b.hiddenSectors(), rootCluster,
        fsInfo, backup, volumeId, label, fat32);
    if (total * bps > deviceBytes) {
      throw new FatFormatException("volume of " + total * bps + " bytes does not fit the device of "
          + deviceBytes + " bytes");
    }
    if (bpb.dataStart() >= total) {
      throw new FatFormatException("no data area: data would start at sector " + bpb.dataStart()
          + " of " + total);
    }
    long clusters = bpb.clusterCount();
    if (clusters < 1) {
      throw new FatFormatException("no clusters on the volume");
    }
    if (fat32) {
      if (clusters > MAX_CLUSTERS_32) {
        throw new FatFormatException("too many clusters for FAT32: " + clusters);
      }
      if (rootCluster < 2 || rootCluster > clusters + 1) {
        throw new FatFormatException("FAT32 root cluster " + rootCluster + " out of range");
      }
      if (fsInfo >= reserved) {
        fsInfo = 0;
      }
    } else if (clusters > MAX_CLUSTERS_16) {
      throw new FatFormatException("too many clusters for FAT16: " + clusters);
    }
    if (fsInfo != bpb.fsInfoSector()) {
      bpb = new BiosParameterBlock(bpb.oemName, bps, spc, reserved, fats, rootEntries, total, media,
          fatSize, bpb.sectorsPerTrack, bpb.heads, bpb.hiddenSectors, rootCluster, fsInfo, backup,
          volumeId, label, true);
    }
    return bpb;
  }

  /** Writes this boot sector into 512 bytes at {@code offset} of {@code buf} (absolute). */
  public void emit(ByteBuf buf, int offset) {
    buf.setZero(offset, BootSector.LENGTH);
    BootSector b = new BootSector().wrap(buf, offset);
    int ext = fat32 ? BootSector.EXT32_OFFSET : BootSector.EXT16_OFFSET;
    int bootCode = ext + 26;
    b.setU8(0, 0xEB).setU8(1, bootCode - 2).setU8(2, 0x90);
    b.setBytes(BootSector.OEM_NAME_OFFSET, padded(oemName, 8));
    b.setU16(BootSector.BYTES_PER_SECTOR_OFFSET, bytesPerSector);
    b.setU8(BootSector.SECTORS_PER_CLUSTER_OFFSET, sectorsPerCluster);
    b.setU16(BootSector.RESERVED_SECTORS_OFFSET, reservedSectors);
    b.setU8(BootSector.NUM_FATS_OFFSET, numFats);
    b.setU16(BootSector.ROOT_ENTRIES_OFFSET, rootEntries);
    if (totalSectors < 65536 && !fat32) {
      b.setU16(BootSector.TOTAL_SECTORS16_OFFSET, (int) totalSectors);
    } else {
      b.setU32(BootSector.TOTAL_SECTORS32_OFFSET, totalSectors);
    }
    b.setU8(BootSector.MEDIA_OFFSET, media);
    b.setU16(BootSector.SECTORS_PER_TRACK_OFFSET, sectorsPerTrack);
    b.setU16(BootSector.HEADS_OFFSET, heads);
    b.setU32(BootSector.HIDDEN_SECTORS_OFFSET, hiddenSectors);
    if (fat32) {
      b.setU32(BootSector.FAT_SIZE32_OFFSET, fatSectors);
      b.setU32(BootSector.ROOT_CLUSTER_OFFSET, rootCluster);
      b.setU16(BootSector.FS_INFO_OFFSET, fsInfoSector);
      b.setU16(BootSector.BACKUP_BOOT_OFFSET, backupBootSector);
    } else {
      b.setU16(BootSector.FAT_SIZE16_OFFSET, (int) fatSectors);
    }
    b.setU8(ext + BootSector.EXT_DRIVE_OFFSET, media == 0xF0 ? 0x00 : 0x80);
    b.setU8(ext + BootSector.EXT_BOOT_SIG_OFFSET, 0x29);
    b.setU32(ext + BootSector.EXT_VOLUME_ID_OFFSET, volumeId);
    b.setBytes(ext + BootSector.EXT_LABEL_OFFSET, padded(label.isEmpty() ? "NO NAME" : label, 11));
    b.setBytes(ext + BootSector.EXT_FS_TYPE_OFFSET,
        padded(fat32 ? "FAT32" : fatBitsFromLayout() == 12 ? "FAT12" : "FAT16", 8));
    // Boot stub: "int 0x18"-free halt loop, so a machine booting this volume stops quietly.
    b.setU8(bootCode, 0xF4).setU8(bootCode + 1, 0xEB).setU8(bootCode + 2, 0xFD);
    b.setU16(BootSector.SIGNATURE_OFFSET, 0xAA55);
  }

  private int fatBitsFromLayout() {
    return fatBits();
  }

  private static byte[] padded(String s, int n) {
    byte[] out = new byte[n];
    java.util.Arrays.fill(out, (byte) ' ');
    byte[] src = s.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(src, 0, out, 0, Math.min(n, src.length));
    return out;
  }
}
