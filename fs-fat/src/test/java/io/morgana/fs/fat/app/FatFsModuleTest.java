package io.morgana.fs.fat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dagger.BindsInstance;
import dagger.Component;
import io.morgana.api.Block;
import io.morgana.api.Kv;
import io.morgana.block.RamBlock;
import io.morgana.fs.fat.FatFileSystem;
import io.morgana.fs.fat.FatFsModule;
import io.morgana.fs.fat.FatType;
import io.morgana.fs.fat.FormatOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class FatFsModuleTest {

  @Singleton
  @Component(modules = FatFsModule.class)
  interface Kernel {
    Kv kv();

    FatFileSystem fs();

    @Component.Factory
    interface Factory {
      Kernel create(@BindsInstance Block disk, @BindsInstance Clock clock);
    }
  }

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:06Z"), ZoneOffset.UTC);

  @Test
  void kvOverAFatVolume_fromAComponentInAnotherPackage() throws Exception {
    RamBlock disk = RamBlock.create((8L << 20) / 512);
    FatFileSystem.format(disk, FormatOptions.defaults().withType(FatType.FAT16), CLOCK);
    Kernel k = DaggerFatFsModuleTest_Kernel.factory().create(disk, CLOCK);
    assertSame(k.fs(), k.fs());
    Kv kv = k.kv();
    kv.set("site/index.html", Unpooled.copiedBuffer("<h1>hi</h1>", StandardCharsets.UTF_8));
    kv.set("site/css/main.css", Unpooled.copiedBuffer("body{}", StandardCharsets.UTF_8));
    kv.set("/readme", Unpooled.copiedBuffer("r", StandardCharsets.UTF_8));
    ByteBuf v = kv.get("site/index.html").orElseThrow();
    try {
      assertEquals("<h1>hi</h1>", v.toString(StandardCharsets.UTF_8));
    } finally {
      v.release();
    }
    assertEquals(List.of(new Kv.Entry("css", Kv.EntryKind.DICTIONARY),
        new Kv.Entry("index.html", Kv.EntryKind.VALUE)), kv.list("site"));
    assertEquals(Kv.EntryKind.DICTIONARY, kv.exists("site").orElseThrow());
    assertEquals(Kv.EntryKind.VALUE, kv.exists("SITE/INDEX.HTML").orElseThrow());
    assertEquals(11, kv.size("site/index.html"));
    assertEquals(Instant.parse("2026-01-02T03:04:06Z"), kv.lastModified("site/index.html"));
    kv.set("site/index.html", Unpooled.copiedBuffer("replaced", StandardCharsets.UTF_8));
    assertEquals(8, kv.size("site/index.html"));
    kv.remove("site");
    assertFalse(kv.exists("site").isPresent());
    assertFalse(kv.get("site/index.html").isPresent());
    kv.remove("not there");
    assertTrue(kv.exists("readme").isPresent());
    k.fs().close();
  }

  @Test
  void rangedGet_readsExactlyTheRange_acrossClusters_andShortAtTheEnd() throws Exception {
    RamBlock disk = RamBlock.create((8L << 20) / 512);
    FatFileSystem.format(disk, FormatOptions.defaults().withType(FatType.FAT16), CLOCK);
    Kv kv = DaggerFatFsModuleTest_Kernel.factory().create(disk, CLOCK).kv();
    byte[] data = new byte[100_003];
    new java.util.SplittableRandom(7).nextBytes(data);
    kv.set("big.bin", Unpooled.wrappedBuffer(data.clone()));
    long[][] ranges = {{0, 10}, {0, data.length}, {511, 2}, {4095, 70_000}, {99_990, 100}, {data.length, 5}, {200_000, 5}, {17, 0}};
    for (long[] r : ranges) {
      ByteBuf got = kv.get("big.bin", r[0], (int) r[1]).orElseThrow();
      try {
        int from = (int) Math.min(r[0], data.length);
        int to = (int) Math.min(data.length, from + r[1]);
        assertEquals(Unpooled.wrappedBuffer(java.util.Arrays.copyOfRange(data, from, to)), got,
            "range " + r[0] + "+" + r[1]);
      } finally {
        got.release();
      }
    }
    assertFalse(kv.get("missing", 0, 10).isPresent());
    kv.set("dir/x", Unpooled.buffer(0));
    assertFalse(kv.get("dir", 0, 10).isPresent(), "a dictionary has no value");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> kv.get("big.bin", -1, 1));
  }

  @Test
  void keysCompareCaseInsensitively_asTheKvJavadocSays() throws Exception {
    RamBlock disk = RamBlock.create((8L << 20) / 512);
    FatFileSystem.format(disk, FormatOptions.defaults(), CLOCK);
    Kernel k = DaggerFatFsModuleTest_Kernel.factory().create(disk, CLOCK);
    Kv kv = k.kv();
    kv.set("/todo", Unpooled.copiedBuffer("one", StandardCharsets.UTF_8));
    kv.set("/TODO", Unpooled.copiedBuffer("two", StandardCharsets.UTF_8)); // the same entry
    assertEquals(List.of(new Kv.Entry("todo", Kv.EntryKind.VALUE)), kv.list(""), "the first spelling stays");
    ByteBuf v = kv.get("ToDo").orElseThrow();
    try {
      assertEquals("two", v.toString(StandardCharsets.UTF_8));
    } finally {
      v.release();
    }
    java.nio.file.FileSystemException bad = org.junit.jupiter.api.Assertions.assertThrows(
        java.nio.file.FileSystemException.class, () -> kv.set("a:b", Unpooled.copiedBuffer("x", StandardCharsets.UTF_8)));
    assertTrue(bad.getMessage().contains("a:b"), bad.getMessage());
    k.fs().close();
  }

  @Test
  void anUnformattedDiskSaysHowToFormatIt() {
    RamBlock zeroed = RamBlock.create((8L << 20) / 512);
    java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
        java.io.UncheckedIOException.class, () -> DaggerFatFsModuleTest_Kernel.factory().create(zeroed, CLOCK).kv());
    String message = e.getCause().getMessage();
    assertTrue(message.startsWith("not a FAT volume: boot sector starts with 0x0"), message);
    assertTrue(message.contains("fat mkfs IMAGE SIZE"), message);
  }
}
