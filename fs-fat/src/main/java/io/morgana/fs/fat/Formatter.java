package io.morgana.fs.fat;

import io.morgana.api.Block;
import io.morgana.fs.fat.internal.Volume;
import io.morgana.fs.fat.wire.BiosParameterBlock;
import io.morgana.fs.fat.wire.DirectoryEntry;
import io.morgana.fs.fat.wire.FsInfo;
import io.morgana.fs.fat.wire.ShortEntry;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Locale;

/** Writes an empty FAT volume, choosing parameters as mkfs.fat (dosfstools 4.2) does. */
final class Formatter {

  private Formatter() {}

  /** Chosen geometry. */
  record Layout(int bits, int sectorsPerCluster, int reserved, long fatSectors, long clusters,
      int rootEntries, int media, int sectorsPerTrack, int heads) {}

  static Layout choose(long totalSectors, int bps, FormatOptions o) throws IOException {
    long bytes = totalSectors * bps;
    int spt = 32;
    int heads = 64;
    int media = 0xF8;
    int spc = Math.max(1, 2048 / bps);
    int rootEntries = 512;
    if (bytes >= 512L * 1024 * 1024) {
      spt = 63;
      heads = 255;
    }
    switch ((int) Math.min(bytes / 1024, Integer.MAX_VALUE)) {
      case 360 -> { spt = 9; heads = 2; media = 0xFD; spc = 2; rootEntries = 112; }
      case 720 -> { spt = 9; heads = 2; media = 0xF9; spc = 2; rootEntries = 112; }
      case 1200 -> { spt = 15; heads = 2; media = 0xF9; spc = 1; rootEntries = 224; }
      case 1440 -> { spt = 18; heads = 2; media = 0xF0; spc = 1; rootEntries = 224; }
      case 2880 -> { spt = 36; heads = 2; media = 0xF0; spc = 2; rootEntries = 224; }
      default -> { }
    }
    int bits = o.type().map(FatType::bits).orElse(bytes >= 512L * 1024 * 1024 ? 32 : 0);
    if (bits == 32) {
      long mb = bytes / (1024 * 1024);
      spc = mb > 32 * 1024 ? 64 : mb > 16 * 1024 ? 32 : mb > 8 * 1024 ? 16 : mb > 260 ? 8 : 1;
      spc = Math.max(1, spc * 512 / bps);
    }
    boolean fixedCluster = o.clusterSize() != 0;
    if (fixedCluster) {
      if (o.clusterSize() < bps) {
        throw new IOException("cluster size " + o.clusterSize() + " is smaller than a sector (" + bps + ")");
      }
      spc = o.clusterSize() / bps;
      if (spc > 128) {
        throw new IOException("cluster size " + o.clusterSize() + " is more than 128 sectors");
      }
    }
    int reserved = bits == 32 ? 32 : 1;
    // mkfs.fat's order: the default cluster size, then larger ones. A forced FAT16 that has too
    // few clusters at the default tries smaller clusters last, as they give more clusters.
    java.util.List<Integer> candidates = new java.util.ArrayList<>();
    for (int c = spc; c <= 128; c *= 2) {
      candidates.add(c);
    }
    if (bits == 16 && !fixedCluster) {
      for (int c = spc / 2; c >= 1; c /= 2) {
        candidates.add(c);
      }
    }
    for (int candidate : candidates) {
      spc = candidate;
      Layout l12 = bits == 0 || bits == 12 ? layout(12, spc, totalSectors, bps, 1, rootEntries) : null;
      Layout l16 = bits == 0 || bits == 16 ? layout(16, spc, totalSectors, bps, 1, rootEntries) : null;
      Layout l32 = bits == 32 ? layout(32, spc, totalSectors, bps, reserved, 0) : null;
      boolean ok12 = l12 != null && l12.clusters() >= 1 && l12.clusters() <= BiosParameterBlock.MAX_CLUSTERS_12;
      // The cluster count alone decides FAT12 versus FAT16 (Microsoft FAT specification §3.5,
      // and Linux and dosfstools follow it): a "FAT16" with 4,084 clusters or fewer is read as
      // FAT12, so it is refused like mkfs.fat refuses it.
      boolean ok16 = l16 != null && l16.clusters() <= BiosParameterBlock.MAX_CLUSTERS_16
          && l16.clusters() > BiosParameterBlock.MAX_CLUSTERS_12;
      boolean ok32 = l32 != null && l32.clusters() >= 1 && l32.clusters() <= BiosParameterBlock.MAX_CLUSTERS_32;
      Layout pick = null;
      if (bits == 0) {
        pick = ok16 ? l16 : ok12 ? l12 : null;
      } else if (bits == 12 && ok12) {
        pick = l12;
      } else if (bits == 16 && ok16) {
        pick = l16;
      } else if (bits == 32 && ok32) {
        pick = l32;
      }
      if (pick != null) {
        return new Layout(pick.bits(), pick.sectorsPerCluster(), pick.reserved(), pick.fatSectors(),
            pick.clusters(), pick.rootEntries(), media, spt, heads);
      }
      if (fixedCluster) {
        break;
      }
    }
    throw new IOException("cannot make a " + (bits == 0 ? "FAT" : "FAT" + bits) + " volume of "
        + bytes + " bytes" + (fixedCluster ? " with " + o.clusterSize() + "-byte clusters" : ""));
  }

  private static Layout layout(int bits, int spc, long total, int bps, int reserved, int rootEntries) {
    long rootSectors = ((long) rootEntries * 32 + bps - 1) / bps;
    long fatData = total - reserved - rootSectors;
    if (fatData <= 0) {
      return null;
    }
    // Clusters if the FATs took exactly their share, then the FAT size for those, then recount.
    long clusters = fatData * bps * 8 / ((long) spc * bps * 8 + 2L * bits);
    long fatSectors = ((clusters + 2) * bits / 8 + 1 + bps - 1) / bps;
    clusters = (fatData - 2 * fatSectors) / spc;
    if (clusters <= 0) {
      return null;
    }
    return new Layout(bits, spc, reserved, fatSectors, clusters, rootEntries, 0, 0, 0);
  }

  static void format(Block block, FormatOptions o, java.time.Clock clock) throws IOException {
    int bps = Math.max(512, block.info().sectorSize());
    long total = block.info().sizeBytes() / bps;
    if (total > 0xFFFFFFFFL) {
      total = 0xFFFFFFFFL;
    }
    Layout l = choose(total, bps, o);
    LocalDateTime now = LocalDateTime.now(clock);
    long volumeId = o.volumeId().orElse(
        (now.getSecond() * 1000L + now.getNano() / 1_000_000) << 16 ^ now.getHour() * 3600L
            + now.getMinute() * 60L + now.getDayOfYear() * 86400L) & 0xFFFFFFFFL;
    String label = o.label().toUpperCase(Locale.ROOT);
    boolean fat32 = l.bits() == 32;
    BiosParameterBlock bpb = new BiosParameterBlock("mkfs.fat", bps, l.sectorsPerCluster(),
        l.reserved(), 2, l.rootEntries(), total, l.media(), l.fatSectors(), l.sectorsPerTrack(),
        l.heads(), 0, fat32 ? 2 : 0, fat32 ? 1 : 0, fat32 ? 6 : 0, volumeId, label, fat32);
    Volume v = new Volume(block, bps);
    byte[] sector = new byte[bps];
    bpb.emit(Unpooled.wrappedBuffer(sector), 0);
    v.write(0, sector, 0, 1);
    if (fat32) {
      v.write(6, sector, 0, 1);
      byte[] info = new byte[bps];
      new FsInfo(l.clusters() - 1, 3).emit(Unpooled.wrappedBuffer(info), 0);
      v.write(1, info, 0, 1);
      v.write(7, info, 0, 1);
      byte[] zero = new byte[bps];
      for (int s = 2; s < l.reserved(); s++) {
        if (s != 6 && s != 7) {
          v.write(s, zero, 0, 1);
        }
      }
    }
    // Both FATs: zero, with entries 0 and 1 (media, end of chain) and, on FAT32, the root cluster.
    int chunkSectors = 256;
    byte[] zeros = new byte[chunkSectors * bps];
    byte[] head = new byte[bps];
    switch (l.bits()) {
      case 12 -> {
        head[0] = (byte) l.media();
        head[1] = (byte) 0xFF;
        head[2] = (byte) 0xFF;
      }
      case 16 -> {
        head[0] = (byte) l.media();
        head[1] = (byte) 0xFF;
        head[2] = (byte) 0xFF;
        head[3] = (byte) 0xFF;
      }
      default -> {
        writeInt(head, 0, 0x0FFFFF00 | l.media());
        writeInt(head, 4, 0x0FFFFFFF);
        writeInt(head, 8, 0x0FFFFFFF);
      }
    }
    for (int copy = 0; copy < 2; copy++) {
      long base = l.reserved() + copy * l.fatSectors();
      v.write(base, head, 0, 1);
      for (long s = 1; s < l.fatSectors(); s += chunkSectors) {
        int n = (int) Math.min(chunkSectors, l.fatSectors() - s);
        v.write(base + s, zeros, 0, n);
      }
    }
    // Root directory: the fixed area, or cluster 2; the label entry first.
    long rootStart = bpb.dataStart() - bpb.rootDirSectors();
    long rootSectors = fat32 ? l.sectorsPerCluster() : bpb.rootDirSectors();
    if (fat32) {
      rootStart = bpb.dataStart();
    }
    byte[] first = new byte[bps];
    if (!label.isEmpty()) {
      byte[] name = new byte[11];
      java.util.Arrays.fill(name, (byte) ' ');
      byte[] lb = label.getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(lb, 0, name, 0, lb.length);
      int date = DosTime.date(now);
      int time = DosTime.time(now);
      new ShortEntry(name, DirectoryEntry.ATTR_VOLUME_ID, 0, 0, 0, 0, 0, 0, time, date, 0)
          .emit(Unpooled.wrappedBuffer(first), 0);
    }
    v.write(rootStart, first, 0, 1);
    for (long s = 1; s < rootSectors; s += chunkSectors) {
      int n = (int) Math.min(chunkSectors, rootSectors - s);
      v.write(rootStart + s, zeros, 0, n);
    }
    v.flush();
  }

  private static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }
}
