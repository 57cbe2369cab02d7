package io.morgana.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.BlockException;
import io.morgana.testkit.interop.HostTools;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockTest {

  @TempDir Path dir;

  private static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 13 + seed);
    }
    return b;
  }

  @Test
  void create_makesASparseFileOfTheGivenSizeAndRefusesAnExistingOne() throws Exception {
    Path img = dir.resolve("disk.img");
    try (FileBlock disk = FileBlock.create(img, 1 << 30)) {
      assertEquals(1L << 30, Files.size(img));
      assertEquals((1 << 30) / 512, disk.info().sectorCount());
      assertTrue(disk.info().readWrite());
    }
    assertTrue(allocatedBytes(img) < 1 << 20, "sparse");
    BlockException e = assertThrows(BlockException.class, () -> FileBlock.create(img, 4096));
    assertTrue(e.getMessage().contains(img.toString()) && e.getMessage().contains("already exists"), e.getMessage());
    try (FileBlock again = FileBlock.options().create(8192).replaceExisting(true).open(img)) {
      assertEquals(16, again.info().sectorCount());
    }
  }

  @Test
  void writesPersistAcrossReopen_withHeapAndDirectBuffers() throws Exception {
    Path img = dir.resolve("disk.img");
    byte[] a = pattern(3 * 512, 1);
    byte[] b = pattern(5 * 512, 2);
    try (FileBlock disk = FileBlock.options().create(64 * 512).sync(DiskSync.FLUSH).open(img)) {
      disk.write(3, Unpooled.wrappedBuffer(a));
      ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(b.length);
      try {
        direct.writeBytes(b);
        disk.write(59, direct);
        assertEquals(0, direct.readableBytes());
      } finally {
        direct.release();
      }
      disk.flush();
    }
    try (FileBlock disk = FileBlock.openReadOnly(img)) {
      ByteBuf back = Unpooled.buffer(a.length);
      disk.read(3, back);
      assertArrayEquals(a, back.array());
      ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(b.length, b.length);
      try {
        disk.read(59, direct);
        byte[] got = new byte[b.length];
        direct.getBytes(0, got);
        assertArrayEquals(b, got);
      } finally {
        direct.release();
      }
    }
    byte[] file = Files.readAllBytes(img);
    assertArrayEquals(a, Arrays.copyOfRange(file, 3 * 512, 6 * 512));
  }

  @Test
  void openingAMissingFile_namesIt() {
    Path img = dir.resolve("nope.img");
    BlockException e = assertThrows(BlockException.class, () -> FileBlock.open(img));
    assertTrue(e.getMessage().contains(img.toString()) && e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void secondOpenInTheSameJvm_isRefusedNamingTheFile() throws Exception {
    Path img = dir.resolve("disk.img");
    try (FileBlock first = FileBlock.create(img, 4096)) {
      BlockException e = assertThrows(BlockException.class, () -> FileBlock.open(img));
      assertTrue(e.getMessage().contains(img.toString()) && e.getMessage().contains("already open"), e.getMessage());
      assertThrows(BlockException.class, () -> FileBlock.openReadOnly(img));
      first.write(0, Unpooled.wrappedBuffer(new byte[512])); // the first one still works
    }
    try (FileBlock reopened = FileBlock.open(img)) { // the lock went with close()
      assertEquals(8, reopened.info().sectorCount());
    }
  }

  @Test
  void anotherProcess_holdingTheImage_makesOpenFail_andViceVersa() throws Exception {
    Path img = dir.resolve("disk.img");
    FileBlock.create(img, 4096).close();
    Process child = startLockHolder(img);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertEquals("locked 8", line);
      BlockException e = assertThrows(BlockException.class, () -> FileBlock.open(img));
      assertTrue(e.getMessage().contains(img.toString()) && e.getMessage().contains("another process"), e.getMessage());
      child.getOutputStream().close();
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    try (FileBlock mine = FileBlock.open(img)) {
      Process other = startLockHolder(img);
      try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
        String line = out.readLine();
        assertNotNull(line);
        assertTrue(line.startsWith("refused: ") && line.contains("another process"), line);
        assertTrue(other.waitFor(60, TimeUnit.SECONDS));
      } finally {
        other.destroyForcibly();
      }
      assertEquals(8, mine.info().sectorCount());
    }
  }

  private static Process startLockHolder(Path img) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), img.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  @Test
  void readOnly_refusesWritesAndDiscards() throws Exception {
    Path img = dir.resolve("disk.img");
    FileBlock.create(img, 8192).close();
    try (FileBlock disk = FileBlock.openReadOnly(img)) {
      assertFalse(disk.info().readWrite());
      BlockException e = assertThrows(BlockException.class, () -> disk.write(0, Unpooled.wrappedBuffer(new byte[512])));
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      assertThrows(BlockException.class, () -> disk.discard(0, 1));
      disk.flush();
    }
  }

  @Test
  void requestPastTheEnd_isAClearErrorNeverAShortRead() throws Exception {
    Path img = dir.resolve("disk.img");
    try (FileBlock disk = FileBlock.create(img, 10 * 512)) {
      ByteBuf into = Unpooled.buffer(1024);
      BlockException e = assertThrows(BlockException.class, () -> disk.read(9, into));
      assertTrue(e.getMessage().contains("2 sectors at sector 9") && e.getMessage().contains("10 sectors of 512 bytes"), e.getMessage());
      assertEquals(0, into.writerIndex());
      assertThrows(BlockException.class, () -> disk.write(10, Unpooled.wrappedBuffer(new byte[512])));
      assertEquals(10 * 512, Files.size(img), "a refused write does not grow the file");
    }
  }

  @Test
  void trailingPartialSector_isNotAddressable() throws Exception {
    Path img = dir.resolve("odd.img");
    Files.write(img, new byte[5000]);
    try (FileBlock disk = FileBlock.options().sectorSize(4096).open(img)) {
      assertEquals(1, disk.info().sectorCount());
      assertEquals(4096, disk.info().sectorSize());
    }
  }

  @Test
  void fileShrunkWhileOpen_readFailsClearly() throws Exception {
    Path img = dir.resolve("disk.img");
    try (FileBlock disk = FileBlock.create(img, 8 * 512)) {
      try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(512);
      }
      BlockException e = assertThrows(BlockException.class, () -> disk.read(4, Unpooled.buffer(512)));
      assertTrue(e.getMessage().contains("end of the file"), e.getMessage());
    }
  }

  @Test
  void syncModes_allWorkAndParse() throws Exception {
    for (DiskSync mode : DiskSync.values()) {
      Path img = dir.resolve(mode + ".img");
      try (FileBlock disk = FileBlock.options().create(4096).sync(mode).open(img)) {
        disk.write(1, Unpooled.wrappedBuffer(pattern(512, 5)));
        disk.flush();
        assertEquals(mode, disk.sync());
      }
      assertEquals(mode, DiskSync.parse(mode.argument()));
      assertArrayEquals(pattern(512, 5), Arrays.copyOfRange(Files.readAllBytes(img), 512, 1024));
    }
    assertThrows(IllegalArgumentException.class, () -> DiskSync.parse("sometimes"));
  }

  @Test
  void closed_refusesRequestsAndIsIdempotent() throws Exception {
    Path img = dir.resolve("disk.img");
    FileBlock disk = FileBlock.create(img, 4096);
    disk.close();
    disk.close();
    BlockException e = assertThrows(BlockException.class, () -> disk.read(0, Unpooled.buffer(512)));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(BlockException.class, disk::flush);
  }

  private static long allocatedBytes(Path img) throws Exception {
    Process stat = new ProcessBuilder("stat", "-c", "%b*%B", img.toString()).start();
    String[] blocks = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\\*");
    assertEquals(0, stat.waitFor());
    return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
  }

  @Test
  void discard_punchesAHoleThatReadsZerosAndFreesSpace() throws Exception {
    Path img = dir.resolve("disk.img");
    byte[] ones = new byte[4 << 20];
    Arrays.fill(ones, (byte) 1);
    try (FileBlock disk = FileBlock.create(img, 8 << 20)) {
      assertTrue(disk.info().discardSupported());
      disk.write(0, Unpooled.wrappedBuffer(ones));
      disk.flush();
      long before = allocatedBytes(img);
      disk.discard(1, 8190); // keep sectors 0 and 8191
      if (disk.punchesHoles()) { // tmpfs, ext4, xfs, btrfs do; otherwise zeros were written
        assertTrue(allocatedBytes(img) < before - (3 << 20), "space given back: " + allocatedBytes(img) + " of " + before);
      }
      ByteBuf back = Unpooled.buffer(4 << 20);
      disk.read(0, back);
      assertEquals(1, back.getByte(511));
      assertEquals(0, back.getByte(512));
      assertEquals(0, back.getByte(8191 * 512 - 1));
      assertEquals(1, back.getByte(8191 * 512));
    }
  }

  @Test
  void discard_withoutHolePunching_writesZeros() throws Exception {
    Path img = dir.resolve("disk.img");
    byte[] ones = new byte[64 * 512];
    Arrays.fill(ones, (byte) 1);
    try (FileBlock disk = FileBlock.create(img, 64 * 512)) {
      disk.disableHolePunching();
      disk.write(0, Unpooled.wrappedBuffer(ones));
      disk.discard(3, 60);
    }
    byte[] file = Files.readAllBytes(img);
    assertEquals(1, file[3 * 512 - 1]);
    assertArrayEquals(new byte[60 * 512], Arrays.copyOfRange(file, 3 * 512, 63 * 512));
    assertEquals(1, file[63 * 512]);
  }

  @Test
  void loopDevice_isReadWithItsRealSize() throws Exception {
    HostTools.requireRoot();
    HostTools.require("losetup");
    Path img = dir.resolve("loop.img");
    FileBlock.create(img, 4 << 20).close();
    var attach = new ProcessBuilder("losetup", "--find", "--show", img.toString()).redirectErrorStream(true).start();
    String dev = new String(attach.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (attach.waitFor() != 0 || !dev.startsWith("/dev/loop")) {
      HostTools.unavailable("losetup could not attach a loop device: " + dev);
    }
    try {
      try (FileBlock disk = FileBlock.open(Path.of(dev))) {
        assertEquals((4 << 20) / 512, disk.info().sectorCount());
        disk.write(7, Unpooled.wrappedBuffer(pattern(512, 9)));
        disk.write(9, Unpooled.wrappedBuffer(pattern(512, 10)));
        disk.discard(9, 1);
        ByteBuf nine = Unpooled.buffer(512);
        disk.read(9, nine);
        assertArrayEquals(new byte[512], nine.array(), "a discarded device sector reads zeros");
        disk.flush();
      }
    } finally {
      new ProcessBuilder("losetup", "-d", dev).inheritIO().start().waitFor();
    }
    assertArrayEquals(pattern(512, 9), Arrays.copyOfRange(Files.readAllBytes(img), 7 * 512, 8 * 512));
  }
}
