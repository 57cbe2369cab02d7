package io.morgana.fs.fat.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A short (8.3) directory entry (fatgen103 §6). {@code name} holds the 11 raw name bytes, space
 * padded, with 0x05 standing for a leading 0xE5.
 */
public record ShortEntry(
    byte[] name,
    int attributes,
    int ntRes,
    int createTenths,
    int createTime,
    int createDate,
    int accessDate,
    long firstCluster,
    int writeTime,
    int writeDate,
    long size) {

  public ShortEntry {
    if (name.length != 11) {
      throw new IllegalArgumentException("short name needs 11 bytes");
    }
    name = name.clone();
  }

  @Override
  public byte[] name() {
    return name.clone();
  }

  public boolean isDirectory() {
    return (attributes & DirectoryEntry.ATTR_DIRECTORY) != 0;
  }

  public boolean isVolumeLabel() {
    return (attributes & (DirectoryEntry.ATTR_VOLUME_ID | DirectoryEntry.ATTR_DIRECTORY))
        == DirectoryEntry.ATTR_VOLUME_ID;
  }

  /** Parses the 32 bytes at absolute {@code offset}; a long-name entry is malformed here. */
  public static ShortEntry parse(ByteBuf buf, int offset) throws FatFormatException {
    if (offset < 0 || buf.capacity() < offset + DirectoryEntry.LENGTH) {
      throw new FatFormatException("directory entry truncated");
    }
    DirectoryEntry e = new DirectoryEntry().wrap(buf, offset);
    if (e.isLongName()) {
      throw new FatFormatException("long-name entry where a short entry was expected");
    }
    return new ShortEntry(e.name(), e.attributes(), e.ntRes(), e.createTenths(), e.createTime(),
        e.createDate(), e.accessDate(), e.firstCluster(), e.writeTime(), e.writeDate(), e.size());
  }

  /** Writes the 32 bytes at absolute {@code offset}. */
  public void emit(ByteBuf buf, int offset) {
    buf.setBytes(offset, name);
    buf.setByte(offset + DirectoryEntry.ATTR_OFFSET, attributes);
    buf.setByte(offset + DirectoryEntry.NT_RES_OFFSET, ntRes);
    buf.setByte(offset + DirectoryEntry.CREATE_TENTHS_OFFSET, createTenths);
    buf.setShortLE(offset + DirectoryEntry.CREATE_TIME_OFFSET, createTime);
    buf.setShortLE(offset + DirectoryEntry.CREATE_DATE_OFFSET, createDate);
    buf.setShortLE(offset + DirectoryEntry.ACCESS_DATE_OFFSET, accessDate);
    buf.setShortLE(offset + DirectoryEntry.CLUSTER_HI_OFFSET, (int) (firstCluster >>> 16));
    buf.setShortLE(offset + DirectoryEntry.WRITE_TIME_OFFSET, writeTime);
    buf.setShortLE(offset + DirectoryEntry.WRITE_DATE_OFFSET, writeDate);
    buf.setShortLE(offset + DirectoryEntry.CLUSTER_LO_OFFSET, (int) firstCluster);
    buf.setIntLE(offset + DirectoryEntry.SIZE_OFFSET, (int) size);
  }

  public ShortEntry withCluster(long cluster, long newSize) {
    return new ShortEntry(name, attributes, ntRes, createTenths, createTime, createDate, accessDate,
        cluster, writeTime, writeDate, newSize);
  }

  public ShortEntry withName(byte[] newName, int newNtRes) {
    return new ShortEntry(newName, attributes, newNtRes, createTenths, createTime, createDate,
        accessDate, firstCluster, writeTime, writeDate, size);
  }

  public ShortEntry withWrite(int time, int date) {
    return new ShortEntry(name, attributes, ntRes, createTenths, createTime, createDate, date,
        firstCluster, time, date, size);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShortEntry s && Arrays.equals(name, s.name) && attributes == s.attributes
        && ntRes == s.ntRes && createTenths == s.createTenths && createTime == s.createTime
        && createDate == s.createDate && accessDate == s.accessDate
        && firstCluster == s.firstCluster && writeTime == s.writeTime && writeDate == s.writeDate
        && size == s.size;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(name) * 31 + Long.hashCode(firstCluster);
  }

  @Override
  public String toString() {
    return "ShortEntry[" + ShortNames.display(name, ntRes) + ", attr=0x" + Integer.toHexString(attributes)
        + ", cluster=" + firstCluster + ", size=" + size + "]";
  }
}
