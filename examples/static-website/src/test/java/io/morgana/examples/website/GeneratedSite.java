package io.morgana.examples.website;

import io.morgana.block.FileBlock;
import io.morgana.fs.fat.FatFileSystem;
import io.morgana.fs.fat.FormatOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A site made for the interop suite and written to a FAT image: an index, names with spaces and
 * non-ASCII characters, an empty file, a file of several MiB, a deep directory.
 */
final class GeneratedSite {

  /** Path below the root (no leading slash) to content. */
  final Map<String, byte[]> files = new LinkedHashMap<>();
  final Path image;

  GeneratedSite(Path image) throws Exception {
    this.image = image;
    SplittableRandom random = new SplittableRandom(14);
    files.put("index.html", "<h1>generated</h1>\n".getBytes(StandardCharsets.UTF_8));
    files.put("docs/index.html", "<h1>docs</h1>\n".getBytes(StandardCharsets.UTF_8));
    files.put("a file with spaces.html", "<p>spaces</p>\n".getBytes(StandardCharsets.UTF_8));
    files.put("ünïcødé/naïve café €.txt", "non-ASCII names\n".getBytes(StandardCharsets.UTF_8));
    files.put("empty.txt", new byte[0]);
    files.put("css/site.css", "body{margin:0}\n".getBytes(StandardCharsets.UTF_8));
    files.put("big/six-mib.bin", bytes(random, 6 << 20));
    files.put("d1/d2/d3/d4/d5/d6/d7/d8/deep.txt", "deep\n".getBytes(StandardCharsets.UTF_8));
    files.put("odd/100003.bin", bytes(random, 100_003));
    try (FileBlock disk = FileBlock.create(image, 32L << 20)) {
      FatFileSystem.format(disk, FormatOptions.defaults());
      FatFileSystem fs = FatFileSystem.open(disk);
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        String path = "/" + e.getKey();
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
          fs.mkdirs(path.substring(0, slash));
        }
        fs.write(path, e.getValue());
      }
      fs.close();
    }
  }

  private static byte[] bytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
