package io.morgana.fs.fat.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over a FAT boot sector and its BIOS parameter block (fatgen103 §3.1–3.3). All fields
 * little-endian; offsets are from the start of the sector.
 *
 * <pre>
 *  0  BS_jmpBoot[3]   3  BS_OEMName[8]   11 BPB_BytsPerSec u16  13 BPB_SecPerClus u8
 *  14 BPB_RsvdSecCnt u16  16 BPB_NumFATs u8  17 BPB_RootEntCnt u16  19 BPB_TotSec16 u16
 *  21 BPB_Media u8  22 BPB_FATSz16 u16  24 BPB_SecPerTrk u16  26 BPB_NumHeads u16
 *  28 BPB_HiddSec u32  32 BPB_TotSec32 u32
 *  FAT12/16: 36 BS_DrvNum u8  37 BS_Reserved1  38 BS_BootSig (0x29)  39 BS_VolID u32
 *            43 BS_VolLab[11]  54 BS_FilSysType[8]
 *  FAT32:    36 BPB_FATSz32 u32  40 BPB_ExtFlags u16  42 BPB_FSVer u16  44 BPB_RootClus u32
 *            48 BPB_FSInfo u16  50 BPB_BkBootSec u16  52 reserved[12]  64 BS_DrvNum  66 BS_BootSig
 *            67 BS_VolID u32  71 BS_VolLab[11]  82 BS_FilSysType[8]
 *  510 signature 0x55 0xAA
 * </pre>
 */
public final class BootSector {

  public static final int JMP_OFFSET = 0;
  public static final int OEM_NAME_OFFSET = 3;
  public static final int BYTES_PER_SECTOR_OFFSET = 11;
  public static final int SECTORS_PER_CLUSTER_OFFSET = 13;
  public static final int RESERVED_SECTORS_OFFSET = 14;
  public static final int NUM_FATS_OFFSET = 16;
  public static final int ROOT_ENTRIES_OFFSET = 17;
  public static final int TOTAL_SECTORS16_OFFSET = 19;
  public static final int MEDIA_OFFSET = 21;
  public static final int FAT_SIZE16_OFFSET = 22;
  public static final int SECTORS_PER_TRACK_OFFSET = 24;
  public static final int HEADS_OFFSET = 26;
  public static final int HIDDEN_SECTORS_OFFSET = 28;
  public static final int TOTAL_SECTORS32_OFFSET = 32;
  public static final int FAT_SIZE32_OFFSET = 36;
  public static final int EXT_FLAGS_OFFSET = 40;
  public static final int FS_VERSION_OFFSET = 42;
  public static final int ROOT_CLUSTER_OFFSET = 44;
  public static final int FS_INFO_OFFSET = 48;
  public static final int BACKUP_BOOT_OFFSET = 50;
  /** Start of the extended boot record: 36 on FAT12/16, 64 on FAT32. */
  public static final int EXT16_OFFSET = 36;
  public static final int EXT32_OFFSET = 64;
  /** Relative to the extended boot record. */
  public static final int EXT_DRIVE_OFFSET = 0;
  public static final int EXT_BOOT_SIG_OFFSET = 2;
  public static final int EXT_VOLUME_ID_OFFSET = 3;
  public static final int EXT_LABEL_OFFSET = 7;
  public static final int EXT_FS_TYPE_OFFSET = 18;
  public static final int SIGNATURE_OFFSET = 510;
  public static final int LENGTH = 512;

  private ByteBuf buf;
  private int offset;

  /** Points this flyweight at the boot sector starting at {@code offset} of {@code buf}. */
  public BootSector wrap(ByteBuf buf, int offset) {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  public int jmp0() { return buf.getUnsignedByte(offset + JMP_OFFSET); }
  public int bytesPerSector() { return buf.getUnsignedShortLE(offset + BYTES_PER_SECTOR_OFFSET); }
  public int sectorsPerCluster() { return buf.getUnsignedByte(offset + SECTORS_PER_CLUSTER_OFFSET); }
  public int reservedSectors() { return buf.getUnsignedShortLE(offset + RESERVED_SECTORS_OFFSET); }
  public int numFats() { return buf.getUnsignedByte(offset + NUM_FATS_OFFSET); }
  public int rootEntries() { return buf.getUnsignedShortLE(offset + ROOT_ENTRIES_OFFSET); }
  public int totalSectors16() { return buf.getUnsignedShortLE(offset + TOTAL_SECTORS16_OFFSET); }
  public int media() { return buf.getUnsignedByte(offset + MEDIA_OFFSET); }
  public int fatSize16() { return buf.getUnsignedShortLE(offset + FAT_SIZE16_OFFSET); }
  public int sectorsPerTrack() { return buf.getUnsignedShortLE(offset + SECTORS_PER_TRACK_OFFSET); }
  public int heads() { return buf.getUnsignedShortLE(offset + HEADS_OFFSET); }
  public long hiddenSectors() { return buf.getUnsignedIntLE(offset + HIDDEN_SECTORS_OFFSET); }
  public long totalSectors32() { return buf.getUnsignedIntLE(offset + TOTAL_SECTORS32_OFFSET); }
  public long fatSize32() { return buf.getUnsignedIntLE(offset + FAT_SIZE32_OFFSET); }
  public int extFlags() { return buf.getUnsignedShortLE(offset + EXT_FLAGS_OFFSET); }
  public int fsVersion() { return buf.getUnsignedShortLE(offset + FS_VERSION_OFFSET); }
  public long rootCluster() { return buf.getUnsignedIntLE(offset + ROOT_CLUSTER_OFFSET); }
  public int fsInfoSector() { return buf.getUnsignedShortLE(offset + FS_INFO_OFFSET); }
  public int backupBootSector() { return buf.getUnsignedShortLE(offset + BACKUP_BOOT_OFFSET); }
  public int bootSignature(int ext) { return buf.getUnsignedByte(offset + ext + EXT_BOOT_SIG_OFFSET); }
  public long volumeId(int ext) { return buf.getUnsignedIntLE(offset + ext + EXT_VOLUME_ID_OFFSET); }
  public byte[] label(int ext) { return bytes(ext + EXT_LABEL_OFFSET, 11); }
  public byte[] oemName() { return bytes(OEM_NAME_OFFSET, 8); }
  public int signature() { return buf.getUnsignedShortLE(offset + SIGNATURE_OFFSET); }

  private byte[] bytes(int at, int n) {
    byte[] b = new byte[n];
    buf.getBytes(offset + at, b);
    return b;
  }

  public BootSector setU8(int fieldOffset, int v) { buf.setByte(offset + fieldOffset, v); return this; }
  public BootSector setU16(int fieldOffset, int v) { buf.setShortLE(offset + fieldOffset, v); return this; }
  public BootSector setU32(int fieldOffset, long v) { buf.setIntLE(offset + fieldOffset, (int) v); return this; }
  public BootSector setBytes(int fieldOffset, byte[] v) { buf.setBytes(offset + fieldOffset, v); return this; }
}
