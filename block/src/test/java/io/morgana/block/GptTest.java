package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Block;
import io.morgana.block.wire.GptEntry;
import io.morgana.block.wire.MalformedPartitionTableException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GptTest {

  static final UUID DISK = UUID.fromString("11111111-2222-3333-4444-555555555555");

  /** The table sgdisk wrote into golden/sgdisk-gpt-8m.img.gz (see the README there). */
  static Gpt sgdiskTable() {
    return Gpt.forDisk(16384, 512, DISK, List.of(
        new Gpt.Slot(0, new GptEntry(Gpt.TYPE_EFI_SYSTEM, UUID.fromString("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"), 2048, 4095, 0, "EFI")),
        new Gpt.Slot(2, new GptEntry(Gpt.TYPE_LINUX_FILESYSTEM, UUID.fromString("12345678-9abc-def0-1234-56789abcdef0"), 4096, 8191, 0, "données"))));
  }

  @Test
  void parse_sgdiskImage() throws Exception {
    RamBlock disk = Golden.disk("sgdisk-gpt-8m.img.gz");
    Gpt.ReadResult r = Gpt.readDetailed(disk);
    assertTrue(r.primaryIntact());
    assertTrue(r.backupIntact());
    assertEquals(sgdiskTable(), r.gpt());
    assertEquals(34, r.gpt().firstUsableLba());
    assertEquals(16350, r.gpt().lastUsableLba());
    assertEquals(Partitions.Scheme.GPT, Partitions.scheme(disk));
    assertEquals(List.of(
        new Partition(1, 2048, 2048, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "EFI"),
        new Partition(3, 4096, 4096, "0fc63daf-8483-4772-8e79-3d69d8477de4", "données")), Partitions.list(disk));
  }

  @Test
  void emit_matchesSgdiskBytes() throws Exception {
    byte[] golden = Golden.image("sgdisk-gpt-8m.img.gz");
    RamBlock disk = RamBlock.create(golden.length / 512);
    sgdiskTable().write(disk);
    assertArrayEquals(golden, disk.toByteArray());
  }

  private static void corrupt(RamBlock disk, long sector, int offset) throws Exception {
    ByteBuf s = Unpooled.buffer(512);
    disk.read(sector, s);
    s.setByte(offset, s.getByte(offset) ^ 0x40);
    disk.write(sector, s);
  }

  @Test
  void damagedPrimaryHeader_backupIsUsed() throws Exception {
    RamBlock disk = Golden.disk("sgdisk-gpt-8m.img.gz");
    corrupt(disk, 1, 40); // first usable LBA: header CRC no longer matches
    Gpt.ReadResult r = Gpt.readDetailed(disk);
    assertFalse(r.primaryIntact());
    assertTrue(r.primaryProblem().contains("header CRC32"), r.primaryProblem());
    assertTrue(r.backupIntact());
    assertEquals(sgdiskTable(), r.gpt());
    assertEquals(2, Partitions.list(disk).size());
  }

  @Test
  void damagedPrimaryEntries_backupIsUsed_andRewritingRepairs() throws Exception {
    RamBlock disk = Golden.disk("sgdisk-gpt-8m.img.gz");
    corrupt(disk, 2, 40); // partition 1's first LBA
    Gpt.ReadResult r = Gpt.readDetailed(disk);
    assertFalse(r.primaryIntact());
    assertTrue(r.primaryProblem().contains("entry array CRC32"), r.primaryProblem());
    assertEquals(sgdiskTable(), r.gpt());
    r.gpt().write(disk);
    assertArrayEquals(Golden.image("sgdisk-gpt-8m.img.gz"), disk.toByteArray());
  }

  @Test
  void primaryWiped_backupAtTheLastLbaIsUsed() throws Exception {
    RamBlock disk = Golden.disk("sgdisk-gpt-8m.img.gz");
    disk.write(1, Unpooled.wrappedBuffer(new byte[33 * 512]));
    Gpt.ReadResult r = Gpt.readDetailed(disk);
    assertTrue(r.primaryProblem().contains("EFI PART"), r.primaryProblem());
    assertEquals(sgdiskTable(), r.gpt());
  }

  @Test
  void bothDamaged_isAClearErrorWithBothReasons() throws Exception {
    RamBlock disk = Golden.disk("sgdisk-gpt-8m.img.gz");
    corrupt(disk, 1, 40);
    corrupt(disk, 16383, 40);
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> Gpt.read(disk));
    assertTrue(e.getMessage().contains("no intact GPT") && e.getMessage().contains("primary GPT header")
        && e.getMessage().contains("backup GPT header"), e.getMessage());
    assertThrows(MalformedPartitionTableException.class, () -> Partitions.list(disk));
  }

  @Test
  void entryOutsideTheUsableRange_isAClearError() throws Exception {
    RamBlock disk = RamBlock.create(2048);
    Gpt bad = Gpt.forDisk(2048, 512, DISK, List.of(new Gpt.Slot(0, new GptEntry(Gpt.TYPE_LINUX_FILESYSTEM, UUID.randomUUID(), 34, 2030, 0, "x"))));
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> bad.write(disk));
    assertTrue(e.getMessage().contains("usable range 34..2014"), e.getMessage());
    assertEquals(0, disk.allocatedBytes());
  }

  @Test
  void overlappingEntries_areRefused() {
    RamBlock disk = RamBlock.create(2048);
    Gpt bad = Gpt.forDisk(2048, 512, DISK, List.of(
        new Gpt.Slot(0, new GptEntry(Gpt.TYPE_LINUX_FILESYSTEM, UUID.randomUUID(), 100, 200, 0, "a")),
        new Gpt.Slot(1, new GptEntry(Gpt.TYPE_LINUX_FILESYSTEM, UUID.randomUUID(), 200, 300, 0, "b"))));
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> bad.write(disk));
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
  }

  @Test
  void sectors4096_roundTripAndPartitionViewsAreBounded() throws Exception {
    RamBlock disk = RamBlock.create(4096, 1024);
    Gpt gpt = Gpt.forDisk(1024, 4096, DISK, List.of(
        new Gpt.Slot(0, new GptEntry(Gpt.TYPE_MICROSOFT_BASIC_DATA, UUID.randomUUID(), 6, 505, 1L << 63, "data \uD83D\uDE00"))));
    assertEquals(6, gpt.firstUsableLba());
    assertEquals(1018, gpt.lastUsableLba());
    gpt.write(disk);
    assertEquals(gpt, Gpt.read(disk));
    Block p = Partitions.open(disk, 1);
    assertEquals(500, p.info().sectorCount());
    assertEquals(4096, p.info().sectorSize());
    assertThrows(io.morgana.api.BlockException.class, () -> p.read(500, Unpooled.buffer(4096)));
  }

  @Test
  void protectiveMbrLarger_thanTheDisk_orMissing_stillFindsTheGpt() throws Exception {
    RamBlock disk = Golden.disk("sgdisk-gpt-8m.img.gz");
    ByteBuf mbr = Unpooled.buffer(512);
    disk.read(0, mbr);
    mbr.setIntLE(446 + 12, 0xFFFF_FFFF); // old tools write the maximum
    disk.write(0, mbr.readerIndex(0));
    assertEquals(Partitions.Scheme.GPT, Partitions.scheme(disk));
    assertEquals(2, Partitions.list(disk).size());
    disk.write(0, Unpooled.wrappedBuffer(new byte[512])); // no MBR at all
    assertEquals(Partitions.Scheme.GPT, Partitions.scheme(disk));
    assertEquals(2, Partitions.list(disk).size());
    RamBlock blank = RamBlock.create(100);
    MalformedPartitionTableException e = assertThrows(MalformedPartitionTableException.class, () -> Partitions.scheme(blank));
    assertTrue(e.getMessage().contains("0x55 0xAA"), e.getMessage());
  }
}
