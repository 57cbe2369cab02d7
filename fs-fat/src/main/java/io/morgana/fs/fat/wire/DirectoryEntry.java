package io.morgana.fs.fat.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over one 32-byte directory entry (fatgen103 §6): a short (8.3) entry, or a VFAT
 * long-name entry when {@link #attributes()} is {@link #ATTR_LONG_NAME}.
 *
 * <pre>
 *  0  DIR_Name[11]      11 DIR_Attr u8     12 DIR_NTRes u8   13 DIR_CrtTimeTenth u8
 *  14 DIR_CrtTime u16   16 DIR_CrtDate u16 18 DIR_LstAccDate u16
 *  20 DIR_FstClusHI u16 22 DIR_WrtTime u16 24 DIR_WrtDate u16
 *  26 DIR_FstClusLO u16 28 DIR_FileSize u32
 * </pre>
 *
 * Long-name entry (fatgen103 §7):
 *
 * <pre>
 *  0 LDIR_Ord u8  1 LDIR_Name1[10]  11 LDIR_Attr=0x0F  12 LDIR_Type=0  13 LDIR_Chksum u8
 *  14 LDIR_Name2[12]  26 LDIR_FstClusLO=0  28 LDIR_Name3[4]
 * </pre>
 */
public final class DirectoryEntry {

  public static final int LENGTH = 32;
  public static final int NAME_OFFSET = 0;
  public static final int ATTR_OFFSET = 11;
  public static final int NT_RES_OFFSET = 12;
  public static final int CREATE_TENTHS_OFFSET = 13;
  public static final int CREATE_TIME_OFFSET = 14;
  public static final int CREATE_DATE_OFFSET = 16;
  public static final int ACCESS_DATE_OFFSET = 18;
  public static final int CLUSTER_HI_OFFSET = 20;
  public static final int WRITE_TIME_OFFSET = 22;
  public static final int WRITE_DATE_OFFSET = 24;
  public static final int CLUSTER_LO_OFFSET = 26;
  public static final int SIZE_OFFSET = 28;

  public static final int LFN_ORD_OFFSET = 0;
  public static final int LFN_NAME1_OFFSET = 1;
  public static final int LFN_TYPE_OFFSET = 12;
  public static final int LFN_CHECKSUM_OFFSET = 13;
  public static final int LFN_NAME2_OFFSET = 14;
  public static final int LFN_NAME3_OFFSET = 28;
  /** Byte offsets of the 13 UTF-16 code units a long-name entry holds. */
  public static final int[] LFN_CHAR_OFFSETS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
  public static final int LFN_LAST = 0x40;

  public static final int ATTR_READ_ONLY = 0x01;
  public static final int ATTR_HIDDEN = 0x02;
  public static final int ATTR_SYSTEM = 0x04;
  public static final int ATTR_VOLUME_ID = 0x08;
  public static final int ATTR_DIRECTORY = 0x10;
  public static final int ATTR_ARCHIVE = 0x20;
  public static final int ATTR_LONG_NAME = 0x0F;
  /** DIR_NTRes bits (Windows NT, Linux): base name / extension stored lower case. */
  public static final int NT_LOWER_BASE = 0x08;
  public static final int NT_LOWER_EXT = 0x10;

  /** First name byte of a free entry. */
  public static final int FREE = 0xE5;
  /** First name byte of the entry ending the directory. */
  public static final int END = 0x00;

  private ByteBuf buf;
  private int offset;

  public DirectoryEntry wrap(ByteBuf buf, int offset) {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  public int firstByte() { return buf.getUnsignedByte(offset); }
  public int attributes() { return buf.getUnsignedByte(offset + ATTR_OFFSET); }
  public boolean isLongName() { return (attributes() & 0x3F) == ATTR_LONG_NAME; }
  public boolean isFree() { return firstByte() == FREE; }
  public boolean isEnd() { return firstByte() == END; }
  public int ntRes() { return buf.getUnsignedByte(offset + NT_RES_OFFSET); }
  public int createTenths() { return buf.getUnsignedByte(offset + CREATE_TENTHS_OFFSET); }
  public int createTime() { return buf.getUnsignedShortLE(offset + CREATE_TIME_OFFSET); }
  public int createDate() { return buf.getUnsignedShortLE(offset + CREATE_DATE_OFFSET); }
  public int accessDate() { return buf.getUnsignedShortLE(offset + ACCESS_DATE_OFFSET); }
  public int writeTime() { return buf.getUnsignedShortLE(offset + WRITE_TIME_OFFSET); }
  public int writeDate() { return buf.getUnsignedShortLE(offset + WRITE_DATE_OFFSET); }
  public long firstCluster() {
    return ((long) buf.getUnsignedShortLE(offset + CLUSTER_HI_OFFSET) << 16)
        | buf.getUnsignedShortLE(offset + CLUSTER_LO_OFFSET);
  }
  public long size() { return buf.getUnsignedIntLE(offset + SIZE_OFFSET); }
  public byte[] name() {
    byte[] n = new byte[11];
    buf.getBytes(offset + NAME_OFFSET, n);
    return n;
  }

  public int lfnOrdinal() { return buf.getUnsignedByte(offset + LFN_ORD_OFFSET); }
  public int lfnChecksum() { return buf.getUnsignedByte(offset + LFN_CHECKSUM_OFFSET); }
  public char lfnChar(int i) { return (char) buf.getUnsignedShortLE(offset + LFN_CHAR_OFFSETS[i]); }

  public DirectoryEntry setFirstByte(int b) { buf.setByte(offset, b); return this; }
  public DirectoryEntry setFirstCluster(long c) {
    buf.setShortLE(offset + CLUSTER_HI_OFFSET, (int) (c >>> 16));
    buf.setShortLE(offset + CLUSTER_LO_OFFSET, (int) c);
    return this;
  }
  public DirectoryEntry setSize(long size) { buf.setIntLE(offset + SIZE_OFFSET, (int) size); return this; }
  public DirectoryEntry setWriteTime(int time, int date) {
    buf.setShortLE(offset + WRITE_TIME_OFFSET, time);
    buf.setShortLE(offset + WRITE_DATE_OFFSET, date);
    return this;
  }
  public DirectoryEntry setAccessDate(int date) { buf.setShortLE(offset + ACCESS_DATE_OFFSET, date); return this; }
}
