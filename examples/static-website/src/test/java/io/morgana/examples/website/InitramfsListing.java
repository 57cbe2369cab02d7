package io.morgana.examples.website;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The names in an appliance's initramfs: every newc archive in it ({@code cpio -t} stops at the
 * first trailer, before the {@code /dev/console} archive the builder appends), after undoing its
 * compression (gzip or zstd, told apart by their magic numbers).
 */
final class InitramfsListing {

  private static final byte[] GZIP = {0x1f, (byte) 0x8b};
  private static final byte[] ZSTD = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

  private InitramfsListing() {}

  /** The entries' names, without a leading {@code ./}. */
  static List<String> entries(Path initramfs, Path work) throws IOException, InterruptedException {
    byte[] head = Arrays.copyOf(Files.readAllBytes(initramfs), 4);
    String tool;
    if (Arrays.equals(Arrays.copyOf(head, 2), GZIP)) {
      tool = "gzip";
    } else if (Arrays.equals(head, ZSTD)) {
      tool = "zstd";
    } else {
      throw new IOException(initramfs + " is neither gzip nor zstd: " + Arrays.toString(head));
    }
    Path cpio = work.resolve("initramfs.cpio");
    Process p = new ProcessBuilder(tool, "-dc", initramfs.toString()).redirectOutput(cpio.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(tool + " -dc " + initramfs + " failed");
    }
    return newcNames(Files.readAllBytes(cpio));
  }

  /** The names of the newc ({@code 070701}) archives concatenated in {@code b}. */
  static List<String> newcNames(byte[] b) throws IOException {
    List<String> names = new ArrayList<>();
    int at = 0;
    while (at + 110 <= b.length) {
      if (b[at] == 0) {
        at += 4; // padding between archives
        continue;
      }
      String magic = new String(b, at, 6, StandardCharsets.US_ASCII);
      if (!magic.equals("070701")) {
        throw new IOException("no newc magic at " + at + ": " + magic);
      }
      int fileSize = Integer.parseInt(new String(b, at + 54, 8, StandardCharsets.US_ASCII), 16);
      int nameSize = Integer.parseInt(new String(b, at + 94, 8, StandardCharsets.US_ASCII), 16);
      String name = new String(b, at + 110, nameSize - 1, StandardCharsets.UTF_8);
      at = align4(align4(at + 110 + nameSize) + fileSize);
      if (!name.equals("TRAILER!!!")) {
        names.add(name.startsWith("./") ? name.substring(2) : name);
      }
    }
    return names;
  }

  private static int align4(int n) {
    return (n + 3) & ~3;
  }
}
