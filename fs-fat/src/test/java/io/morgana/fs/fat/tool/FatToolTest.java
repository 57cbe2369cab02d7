package io.morgana.fs.fat.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat command end to end (in-process): output, files, exit codes 0 / 1 / 2. */
class FatToolTest {

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run fat(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int rc = new FatTool(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8)).run(args);
    return new Run(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  static Run ok(String... args) {
    Run r = fat(args);
    assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err() + r.out());
    return r;
  }

  @Test
  void usageErrors_exit2() {
    assertEquals(2, fat().code());
    assertEquals(2, fat("frobnicate", "x.img").code());
    assertEquals(2, fat("mkfs", tmp.resolve("a.img").toString(), "12Q").code());
    assertEquals(2, fat("mkfs", tmp.resolve("a.img").toString(), "1M", "--fat=13").code());
    assertEquals(2, fat("ls").code());
    assertEquals(2, fat("rm", "-x", "a.img", "/p").code());
    assertEquals(2, fat("get", "a.img", "/p").code());
    assertTrue(fat("frobnicate").err().contains("usage: fat"));
  }

  @Test
  void selftest_runsEveryCommandAndLeavesNothingBehind() throws IOException {
    Path dir = tmp.resolve("scratch");
    assertTrue(ok("selftest", dir.toString()).out().contains("passed"));
    try (var left = Files.list(dir)) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void commandsEndToEnd() throws IOException {
    String img = tmp.resolve("disk.img").toString();
    assertTrue(ok("mkfs", img, "16M", "--label=tooltest").out().contains("FAT16"));
    Path src = Files.createDirectories(tmp.resolve("src/sub dir"));
    byte[] big = new byte[300_000];
    new Random(1).nextBytes(big);
    Files.write(src.resolve("big.bin"), big);
    Files.writeString(tmp.resolve("src/hello.txt"), "hello, world\n");
    Files.writeString(tmp.resolve("single.txt"), "single\n");
    ok("put", img, tmp.resolve("src").toString(), "/");
    ok("put", img, tmp.resolve("single.txt").toString(), "/renamed on the way.txt");
    String ls = ok("ls", img).out();
    assertTrue(ls.contains("src/") && ls.contains("renamed on the way.txt"), ls);
    assertTrue(ok("ls", img, "/src").out().contains("sub dir/"));
    assertEquals("hello, world\n", ok("cat", img, "/src/hello.txt").out());
    ok("mkdir", img, "/new");
    ok("mkdir", "-p", img, "/deep/er/est");
    ok("mv", img, "/src/hello.txt", "/new");
    assertEquals("hello, world\n", ok("cat", img, "/new/hello.txt").out());
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    ok("get", img, "/src", out.toString());
    assertArrayEquals(big, Files.readAllBytes(out.resolve("src/sub dir/big.bin")));
    ok("get", img, "/new/hello.txt", tmp.resolve("h.txt").toString());
    assertEquals("hello, world\n", Files.readString(tmp.resolve("h.txt")));
    assertTrue(ok("df", img).out().contains("FAT16"));
    assertTrue(ok("fsck", img).out().contains("clean"));
    // failures: exit 1 with a message
    Run missing = fat("cat", img, "/nope");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("nope"), missing.err());
    assertEquals(1, fat("rm", img, "/src").code()); // not empty without -r
    ok("rm", "-r", img, "/src");
    assertEquals(1, fat("ls", img, "/src").code());
    assertEquals(1, fat("mkdir", img, "/new").code());
    assertEquals(1, fat("ls", tmp.resolve("no such image").toString()).code());
    assertTrue(ok("fsck", img).out().contains("clean"));
  }

  @Test
  void fsckOfADamagedImage_exits1WithAReport() throws IOException {
    String img = tmp.resolve("d.img").toString();
    ok("mkfs", img, "4M", "--fat=16");
    Files.writeString(tmp.resolve("f"), "x".repeat(5000));
    ok("put", img, tmp.resolve("f").toString(), "/f");
    // Make the first FAT disagree with the second: mark a free cluster used in FAT 1 only.
    try (RandomAccessFile raf = new RandomAccessFile(img, "rw")) {
      raf.seek(512 + 2 * 1000);
      raf.write(new byte[] {(byte) 0xFF, (byte) 0xFF});
    }
    Run r = fat("fsck", img);
    assertEquals(1, r.code());
    assertTrue(r.out().contains("FAT copy 2 differs"), r.out());
    assertTrue(r.out().contains("lost cluster"), r.out());
    assertEquals(1, fat("fsck", tmp.resolve("f").toString()).code()); // not a FAT volume
  }

  @Test
  void sizes_acceptSuffixes() throws Exception {
    assertEquals(1440L * 1024, FatTool.parseSize("1440K"));
    assertEquals(64L << 20, FatTool.parseSize("64M"));
    assertEquals(1L << 30, FatTool.parseSize("1G"));
    assertEquals(123_456L, FatTool.parseSize("123456"));
  }
}
