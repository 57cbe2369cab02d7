package io.morgana.fs.fat;

import io.morgana.fs.fat.internal.ClusterIo;
import io.morgana.fs.fat.internal.FatTable;
import io.morgana.fs.fat.internal.SectorCache;
import io.morgana.fs.fat.wire.BiosParameterBlock;
import io.morgana.fs.fat.wire.DirectoryEntry;
import io.morgana.fs.fat.wire.FatFormatException;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Paths to directories and entries: splits and walks paths from the root directory (fatgen103
 * §6: FAT12/16 root at a fixed place after the FATs, FAT32 root a cluster chain from {@code
 * BPB_RootClus}), and keeps loaded directories in a bounded cache (least recently used first
 * out, never a directory with an open file). Reads only; changes are {@link Entries}'.
 *
 * <p>Damaged directories are refused with {@link FatFormatException}: a chain that loops or
 * leaves the volume, a directory larger than 65,536 slots, a subdirectory entry pointing at
 * cluster 0 or outside the volume.
 */
final class Namespace {

  private static final int MAX_CACHED_DIRS = 1024;

  private final BiosParameterBlock bpb;
  private final FatTable fat;
  private final SectorCache cache;
  private final ClusterIo io;
  private final Map<Long, Dir> dirs = new LinkedHashMap<>(16, 0.75f, true);

  Namespace(BiosParameterBlock bpb, FatTable fat, SectorCache cache, ClusterIo io) {
    this.bpb = bpb;
    this.fat = fat;
    this.cache = cache;
    this.io = io;
  }

  /** The path's names; {@code ""} and {@code "."} components are skipped, {@code ".."} refused. */
  static List<String> split(String path) throws FileSystemException {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        throw new FileSystemException(path, null, "'..' is not supported in paths");
      }
      out.add(s);
    }
    return out;
  }

  static boolean isRoot(String path) throws FileSystemException {
    return split(path).isEmpty();
  }

  Dir root() throws IOException {
    return dirAt(bpb.fat32() ? bpb.rootCluster() : 0);
  }

  /** The directory whose first cluster is {@code firstCluster} (0: the FAT12/16 root). */
  Dir dirAt(long firstCluster) throws IOException {
    Dir d = dirs.get(firstCluster);
    if (d != null) {
      return d;
    }
    boolean root;
    long[] clusters;
    long[] sectors;
    if (firstCluster == 0) {
      if (bpb.fat32()) {
        throw new FatFormatException("directory entry with cluster 0 on FAT32");
      }
      root = true;
      clusters = new long[0];
      sectors = new long[(int) bpb.rootDirSectors()];
      for (int i = 0; i < sectors.length; i++) {
        sectors[i] = bpb.rootDirStart() + i;
      }
    } else {
      root = bpb.fat32() && firstCluster == bpb.rootCluster();
      clusters = fat.chain(firstCluster);
      long slots = (long) clusters.length * io.clusterBytes() / DirectoryEntry.LENGTH;
      if (slots > Dir.MAX_SLOTS) {
        throw new FatFormatException("directory at cluster " + firstCluster + " has " + slots
            + " slots, more than 65536");
      }
      sectors = io.sectorsOf(clusters);
    }
    d = new Dir(firstCluster, root, clusters, sectors, bpb.bytesPerSector());
    d.load(cache);
    if (dirs.size() >= MAX_CACHED_DIRS) {
      var it = dirs.values().iterator();
      while (dirs.size() >= MAX_CACHED_DIRS && it.hasNext()) {
        if (!it.next().hasOpenFiles()) {
          it.remove();
        }
      }
    }
    dirs.put(firstCluster, d);
    return d;
  }

  /** Drops a removed directory from the cache. */
  void forget(Dir d) {
    dirs.remove(d.firstCluster());
  }

  /** The directory entry {@code n} names. */
  Dir dirOf(Node n) throws IOException {
    if (!n.isDirectory()) {
      throw new NotDirectoryException(n.name());
    }
    long c = n.entry().firstCluster();
    if (c == 0 || !fat.inRange(c)) {
      throw new FatFormatException("directory " + n.name() + " has first cluster " + c);
    }
    return dirAt(c);
  }

  /** The parent of {@code d}, from its ".." entry (fatgen103 §6.3). */
  Dir parentOf(Dir d) throws IOException {
    byte[] data = cache.get(d.firstSector());
    DirectoryEntry de = new DirectoryEntry().wrap(Unpooled.wrappedBuffer(data), DirectoryEntry.LENGTH);
    long c = de.firstCluster();
    return c == 0 ? root() : dirAt(c);
  }

  /** The directory named by {@code parts[0..count)}. */
  Dir walk(String path, List<String> parts, int count) throws IOException {
    Dir d = root();
    for (int i = 0; i < count; i++) {
      Node n = d.find(parts.get(i));
      if (n == null) {
        throw new NoSuchFileException(path, null, "no " + String.join("/", parts.subList(0, i + 1)));
      }
      if (!n.isDirectory()) {
        throw new NotDirectoryException(String.join("/", parts.subList(0, i + 1)));
      }
      d = dirOf(n);
    }
    return d;
  }

  /** The directory {@code path} names. */
  Dir dir(String path) throws IOException {
    List<String> parts = split(path);
    return walk(path, parts, parts.size());
  }

  /** The directory that holds (or would hold) the last name of {@code parts}. */
  Dir parentDir(String path, List<String> parts) throws IOException {
    return walk(path, parts, parts.size() - 1);
  }

  /** The node named by {@code path}, or null when its parent exists but it does not. */
  Node lookup(String path) throws IOException {
    List<String> parts = split(path);
    if (parts.isEmpty()) {
      return null;
    }
    return parentDir(path, parts).find(parts.getLast());
  }

  /** The node named by {@code path}; the root has none. */
  Node need(String path) throws IOException {
    Node n = lookup(path);
    if (n == null) {
      if (isRoot(path)) {
        throw new FileSystemException(path, null, "the root directory has no entry");
      }
      throw new NoSuchFileException(path);
    }
    return n;
  }
}
