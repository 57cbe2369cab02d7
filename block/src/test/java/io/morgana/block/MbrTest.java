package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.block.wire.MalformedPartitionTableException;
import io.morgana.block.wire.MbrEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class MbrTest {

  /** The table sfdisk wrote into golden/sfdisk-dos-64m.img.gz (see the README there). */
  static Mbr sfdiskTable() {
    MbrEntry extended = new MbrEntry(false, 0x05, 22528, 30720);
    return new Mbr(0x12345678,
        List.of(new MbrEntry(true, 0x0c, 2048, 20480), extended, MbrEntry.EMPTY, MbrEntry.EMPTY),
        List.of(new Mbr.Logical(22528, new MbrEntry(false, 0x83, 24576, 8192)),
            new Mbr.Logical(32768, new MbrEntry(false, 0x82, 34816, 4096))));
  }

  @Test
  void parse_sfdiskImage_primaryExtendedAndLogical() throws Exception {
    RamBlock disk = Golden.disk("sfdisk-dos-64m.img.gz");
    Mbr mbr = Mbr.read(disk);
    assertEquals(sfdiskTable(), mbr);
    assertEquals(List.of(
        new Partition(1, 2048, 20480, "0x0c", ""),
        new Partition(5, 24576, 8192, "0x83", ""),
        new Partition(6, 34816, 4096, "0x82", "")), Partitions.list(disk));
    assertEquals(Partitions.Scheme.MBR, Partitions.scheme(disk));
  }

  @Test
  void emit_matchesSfdiskBytes() throws Exception {
    byte[] golden = Golden.image("sfdisk-dos-64m.img.gz");
    RamBlock disk = RamBlock.create(golden.length / 512);
    sfdiskTable().write(disk);
    assertArrayEquals(golden, disk.toByteArray());
  }

  @Test
  void partitionView_isBoundedToItsExtent() throws Exception {
    RamBlock disk = Golden.disk("sfdisk-dos-64m.img.gz");
    Block p6 = Partitions.open(disk, 6);
    assertEquals(4096, p6.info().sectorCount());
    byte[] data = new byte[512];
    data[0] = 66;
    p6.write(4095, Unpooled.wrappedBuffer(data));
    assertEquals(66, disk.toByteArray()[(34816 + 4095) * 512]);
    BlockException e = assertThrows(BlockException.class, () -> p6.write(4095, Unpooled.wrappedBuffer(new byte[1024])));
    assertTrue(e.getMessage().contains("partition 6") && e.getMessage().contains("4096 sectors"), e.getMessage());
    assertThrows(BlockException.class, () -> Partitions.open(disk, 2)); // the extended container is no partition
    assertThrows(BlockException.class, () -> Partitions.open(disk, 7));
  }

  private static void setEbrLink(RamBlock disk, long ebr, long relStart, long count) throws Exception {
    ByteBuf s = Unpooled.buffer(512);
    disk.read(ebr, s);
    s.setByte(446 + 16 + 4, 0x05);
    s.setIntLE(446 + 16 + 8, (int) relStart);
    s.setIntLE(446 + 16 + 12, (int) count);
    disk.write(ebr, s);
  }

  @Test
  void ebrLoop_isAClearError() throws Exception {
    RamBlock disk = Golden.disk("sfdisk-dos-64m.img.gz");
    setEbrLink(disk, 32768, 0, 6144); // second EBR links back to the first (extended start)
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> Mbr.read(disk));
    assertTrue(e.getMessage().contains("loops"), e.getMessage());
  }

  @Test
  void ebrSelfLoop_isAClearError() throws Exception {
    RamBlock disk = Golden.disk("sfdisk-dos-64m.img.gz");
    setEbrLink(disk, 32768, 32768 - 22528, 6144);
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> Mbr.read(disk));
    assertTrue(e.getMessage().contains("loops"), e.getMessage());
  }

  @Test
  void ebrLinkOutsideTheExtendedPartition_isAClearError() throws Exception {
    RamBlock disk = Golden.disk("sfdisk-dos-64m.img.gz");
    setEbrLink(disk, 22528, 40000, 10);
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> Mbr.read(disk));
    assertTrue(e.getMessage().contains("outside the extended partition"), e.getMessage());
  }

  @Test
  void logicalPastTheExtendedPartition_isAClearError() throws Exception {
    RamBlock disk = Golden.disk("sfdisk-dos-64m.img.gz");
    ByteBuf s = Unpooled.buffer(512);
    disk.read(32768, s);
    s.setIntLE(446 + 12, 30000); // logical 6 grows past the extended partition's end
    disk.write(32768, s);
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> Mbr.read(disk));
    assertTrue(e.getMessage().contains("EBR at sector 32768") && e.getMessage().contains("outside"), e.getMessage());
  }

  @Test
  void primaryPastTheDisk_overlapping_andBadStatus_areClearErrors() throws Exception {
    RamBlock disk = RamBlock.create(1000);
    Mbr.of(0, new MbrEntry(false, 0x83, 1, 999)).write(disk);
    assertEquals(1, Mbr.read(disk).partitions().size());

    ByteBuf s = Unpooled.buffer(512);
    disk.read(0, s);
    s.setIntLE(446 + 12, 1000);
    disk.write(0, s.readerIndex(0));
    MalformedPartitionTableException past = assertThrows(MalformedPartitionTableException.class, () -> Mbr.read(disk));
    assertTrue(past.getMessage().contains("partition 1") && past.getMessage().contains("1000 sectors"), past.getMessage());

    MalformedPartitionTableException overlap = assertThrows(MalformedPartitionTableException.class,
        () -> Mbr.of(0, new MbrEntry(false, 0x83, 1, 500), new MbrEntry(false, 0x83, 500, 10)).write(disk));
    assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());

    s.setIntLE(446 + 12, 999).setByte(446, 0x12);
    disk.write(0, s.readerIndex(0));
    MalformedPartitionTableException status = assertThrows(MalformedPartitionTableException.class, () -> Mbr.read(disk));
    assertTrue(status.getMessage().contains("status byte 0x12"), status.getMessage());
  }

  @Test
  void noSignature_isNotAPartitionTable() {
    RamBlock disk = RamBlock.create(100);
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> Partitions.list(disk));
    assertTrue(e.getMessage().contains("0x55 0xAA"), e.getMessage());
  }

  @Test
  void write_refusesInconsistentLogicalLayoutsAndWritesNothing() throws Exception {
    RamBlock disk = RamBlock.create(4096);
    MbrEntry ext = new MbrEntry(false, 0x0f, 1000, 2000);
    List<MbrEntry> primary = List.of(ext, MbrEntry.EMPTY, MbrEntry.EMPTY, MbrEntry.EMPTY);
    // first EBR not at the extended start
    assertThrows(MalformedPartitionTableException.class, () -> new Mbr(0, primary,
        List.of(new Mbr.Logical(1001, new MbrEntry(false, 0x83, 1002, 10)))).write(disk));
    // logical partition starting on its EBR
    assertThrows(MalformedPartitionTableException.class, () -> new Mbr(0, primary,
        List.of(new Mbr.Logical(1000, new MbrEntry(false, 0x83, 1000, 10)))).write(disk));
    // second EBR inside the first logical partition
    assertThrows(MalformedPartitionTableException.class, () -> new Mbr(0, primary,
        List.of(new Mbr.Logical(1000, new MbrEntry(false, 0x83, 1001, 100)),
            new Mbr.Logical(1050, new MbrEntry(false, 0x83, 1200, 10)))).write(disk));
    // logicals without an extended partition
    assertThrows(MalformedPartitionTableException.class, () -> new Mbr(0, List.of(MbrEntry.EMPTY, MbrEntry.EMPTY, MbrEntry.EMPTY, MbrEntry.EMPTY),
        List.of(new Mbr.Logical(1000, new MbrEntry(false, 0x83, 1001, 10)))).write(disk));
    assertEquals(0, disk.allocatedBytes(), "nothing written");
  }

  @Test
  void emptyExtendedPartition_roundTrips() throws Exception {
    RamBlock disk = RamBlock.create(4096);
    Mbr mbr = Mbr.of(7, new MbrEntry(false, 0x83, 1, 100), new MbrEntry(false, 0x85, 200, 1000));
    mbr.write(disk);
    assertEquals(mbr, Mbr.read(disk));
  }

  @Test
  void unusedSlotsWithJunk_readAsEmpty_andTheTableCanBeRewritten() throws Exception {
    RamBlock disk = RamBlock.create(1000);
    Mbr.of(5, new MbrEntry(false, 0x83, 1, 100)).write(disk);
    ByteBuf s = Unpooled.buffer(512);
    disk.read(0, s);
    s.setIntLE(446 + 16 + 8, 1234).setIntLE(446 + 16 + 12, 99); // slot 2: type 0, junk LBAs
    disk.write(0, s.readerIndex(0));
    Mbr mbr = Mbr.read(disk);
    assertEquals(MbrEntry.EMPTY, mbr.primary().get(1));
    mbr.write(disk);
    assertEquals(mbr, Mbr.read(disk));
  }
}
