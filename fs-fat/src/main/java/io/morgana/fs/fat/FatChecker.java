package io.morgana.fs.fat;

import io.morgana.api.Block;
import io.morgana.fs.fat.internal.FatTable;
import io.morgana.fs.fat.internal.Volume;
import io.morgana.fs.fat.wire.BiosParameterBlock;
import io.morgana.fs.fat.wire.DirectoryEntry;
import io.morgana.fs.fat.wire.FatFormatException;
import io.morgana.fs.fat.wire.FsInfo;
import io.morgana.fs.fat.wire.LongNameSlot;
import io.morgana.fs.fat.wire.ShortEntry;
import io.morgana.fs.fat.wire.ShortNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A read-only consistency check of a FAT volume, the counterpart of {@code fsck.fat -n}: every
 * chain in range and free of loops, no cluster in two chains, file sizes matching their chains,
 * {@code .} and {@code ..} right, no duplicate or invalid short names, no orphaned long-name
 * entries, every FAT copy equal to the first, no lost clusters, FSInfo free count right. Every walk
 * is bounded by the cluster count.
 */
public final class FatChecker {

  /**
   * What the check found.
   *
   * @param problems damage, one line each
   * @param lostClusters clusters allocated in the FAT that no file or directory owns
   * @param files files seen
   * @param directories directories seen (the root included)
   */
  public record Report(List<String> problems, long lostClusters, long files, long directories) {
    public boolean clean() {
      return problems.isEmpty();
    }
  }

  private final List<String> problems = new ArrayList<>();
  private Volume volume;
  private BiosParameterBlock bpb;
  private FatTable fat;
  private int[] owner;
  private int nextOwner = 1;
  private long files;
  private long directories;

  private FatChecker() {}

  /** Checks the volume on {@code block} without writing to it. */
  public static Report check(Block block) throws IOException {
    FatChecker c = new FatChecker();
    c.run(block);
    return c.report();
  }

  /** The report as text (for assertion messages). */
  public static String check0(Block block) {
    try {
      return String.join("\n", check(block).problems());
    } catch (IOException e) {
      return e.toString();
    }
  }

  private Report report() {
    long lost = 0;
    if (fat != null) {
      for (long cl = 2; cl <= fat.maxCluster(); cl++) {
        long v = fat.get(cl);
        if (v != 0 && v != fat.bad() && owner[(int) cl] == 0) {
          lost++;
        }
      }
      if (lost > 0) {
        problems.add(lost + " lost cluster" + (lost == 1 ? "" : "s") + " (allocated, owned by no file)");
      }
    }
    return new Report(List.copyOf(problems), lost, files, directories);
  }

  private void run(Block block) throws IOException {
    byte[] first = new byte[block.info().sectorSize()];
    block.read(0, Unpooled.wrappedBuffer(first).clear());
    try {
      bpb = BiosParameterBlock.parse(Unpooled.wrappedBuffer(first), 0, block.info().sizeBytes());
    } catch (FatFormatException e) {
      problems.add("boot sector: " + e.getMessage());
      return;
    }
    volume = new Volume(block, bpb.bytesPerSector());
    int ss = bpb.bytesPerSector();
    long clusters = bpb.clusterCount();
    long needBytes = ((clusters + 2) * bpb.fatBits() + 7) / 8;
    int needSectors = (int) Math.min((needBytes + ss - 1) / ss, bpb.fatSectors());
    byte[] fat0 = new byte[needSectors * ss + 4];
    volume.read(bpb.fatStart(), fat0, 0, needSectors);
    for (int copy = 1; copy < bpb.numFats(); copy++) {
      byte[] other = new byte[needSectors * ss + 4];
      volume.read(bpb.fatStart() + copy * bpb.fatSectors(), other, 0, needSectors);
      if (!Arrays.equals(fat0, other)) {
        for (int s = 0; s < needSectors; s++) {
          if (!Arrays.equals(fat0, s * ss, (s + 1) * ss, other, s * ss, (s + 1) * ss)) {
            problems.add("FAT copy " + (copy + 1) + " differs from FAT 1 (first at FAT sector " + s + ")");
            break;
          }
        }
      }
    }
    fat = new FatTable(fat0, bpb.fatBits(), ss, clusters);
    owner = new int[(int) clusters + 2];
    checkTree();
    if (bpb.fat32() && bpb.fsInfoSector() != 0) {
      byte[] info = new byte[ss];
      volume.read(bpb.fsInfoSector(), info, 0, 1);
      try {
        FsInfo fi = FsInfo.parse(Unpooled.wrappedBuffer(info), 0);
        if (fi.freeCount() != FsInfo.UNKNOWN && fi.freeCount() != fat.freeCount()) {
          problems.add("FSInfo free cluster count " + fi.freeCount() + " but " + fat.freeCount()
              + " clusters are free");
        }
      } catch (FatFormatException e) {
        problems.add("FSInfo: " + e.getMessage());
      }
    }
  }

  private record Pending(String path, long cluster, long parentCluster) {}

  private void checkTree() throws IOException {
    Deque<Pending> todo = new ArrayDeque<>();
    long rootKey = bpb.fat32() ? bpb.rootCluster() : 0;
    todo.add(new Pending("/", rootKey, -1));
    while (!todo.isEmpty()) {
      Pending p = todo.poll();
      directories++;
      long[] sectors;
      if (p.cluster() == 0) {
        sectors = new long[(int) bpb.rootDirSectors()];
        for (int i = 0; i < sectors.length; i++) {
          sectors[i] = bpb.rootDirStart() + i;
        }
      } else {
        long[] chain = claim(p.path(), p.cluster(), -1);
        if (chain == null) {
          continue;
        }
        sectors = new long[chain.length * bpb.sectorsPerCluster()];
        for (int i = 0; i < chain.length; i++) {
          for (int k = 0; k < bpb.sectorsPerCluster(); k++) {
            sectors[i * bpb.sectorsPerCluster() + k] =
                bpb.dataStart() + (chain[i] - 2) * bpb.sectorsPerCluster() + k;
          }
        }
      }
      checkDir(p, sectors, todo);
    }
  }

  /** Walks and claims a chain; returns it, or null (with a problem) when damaged. */
  private long[] claim(String path, long first, long size) {
    int id = nextOwner++;
    List<Long> chain = new ArrayList<>();
    long c = first;
    if (!fat.inRange(c)) {
      problems.add(path + ": first cluster " + c + " out of range");
      return null;
    }
    while (true) {
      if (!fat.inRange(c)) {
        problems.add(path + ": chain leaves the volume (cluster " + c + ")");
        return null;
      }
      int o = owner[(int) c];
      if (o == id) {
        problems.add(path + ": chain loops at cluster " + c);
        return null;
      }
      if (o != 0) {
        problems.add(path + ": cluster " + c + " is cross-linked with another chain");
        return null;
      }
      owner[(int) c] = id;
      chain.add(c);
      long v = fat.get(c);
      if (fat.isEoc(v)) {
        break;
      }
      if (v == 0) {
        problems.add(path + ": chain runs into free cluster after " + c);
        return null;
      }
      if (v == fat.bad()) {
        problems.add(path + ": chain runs into a bad cluster after " + c);
        return null;
      }
      c = v;
    }
    if (size >= 0) {
      long cb = bpb.clusterBytes();
      long need = (size + cb - 1) / cb;
      if (chain.size() != need) {
        problems.add(path + ": size " + size + " needs " + need + " clusters, chain has " + chain.size());
      }
    }
    long[] out = new long[chain.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = chain.get(i);
    }
    return out;
  }

  private void checkDir(Pending p, long[] sectors, Deque<Pending> todo) throws IOException {
    int ss = bpb.bytesPerSector();
    byte[] data = new byte[sectors.length * ss];
    for (int i = 0; i < sectors.length; i++) {
      volume.read(sectors[i], data, i * ss, 1);
    }
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    DirectoryEntry de = new DirectoryEntry();
    Set<String> shortSeen = new HashSet<>();
    Set<String> longSeen = new HashSet<>();
    int slots = data.length / 32;
    int lfnPending = 0;
    int lfnExpect = 0;
    int lfnSum = -1;
    boolean sawDot = false;
    boolean sawDotDot = false;
    for (int s = 0; s < slots; s++) {
      de.wrap(buf, s * 32);
      if (de.isEnd()) {
        break;
      }
      if (de.isFree()) {
        if (lfnPending > 0) {
          problems.add(p.path() + ": orphaned long-name entries");
          lfnPending = 0;
        }
        continue;
      }
      if (de.isLongName()) {
        try {
          LongNameSlot l = LongNameSlot.parse(buf, s * 32);
          if (l.last()) {
            if (lfnPending > 0) {
              problems.add(p.path() + ": orphaned long-name entries");
            }
            lfnPending = l.ordinal();
            lfnExpect = l.ordinal() - 1;
            lfnSum = l.checksum();
          } else if (lfnPending > 0 && l.ordinal() == lfnExpect && l.checksum() == lfnSum) {
            lfnExpect--;
          } else {
            problems.add(p.path() + ": long-name entry out of sequence at slot " + s);
            lfnPending = 0;
          }
        } catch (FatFormatException e) {
          problems.add(p.path() + ": " + e.getMessage());
          lfnPending = 0;
        }
        continue;
      }
      ShortEntry e = ShortEntry.parse(buf, s * 32);
      byte[] raw = e.name();
      String longName = null;
      if (lfnPending > 0) {
        if (lfnExpect != 0 || ShortNames.checksum(raw) != lfnSum) {
          problems.add(p.path() + ": long name does not belong to " + ShortNames.display(raw, 0));
        } else {
          longName = readLong(buf, s, lfnPending);
        }
        lfnPending = 0;
      }
      if (e.isVolumeLabel()) {
        if (p.cluster() != (bpb.fat32() ? bpb.rootCluster() : 0)) {
          problems.add(p.path() + ": volume label outside the root directory");
        }
        continue;
      }
      String shortName = ShortNames.display(raw, 0);
      if (raw[0] == '.') {
        boolean dot = shortName.equals(".");
        boolean dotdot = shortName.equals("..");
        if (p.parentCluster() < 0 || (!dot && !dotdot)) {
          problems.add(p.path() + ": unexpected entry '" + shortName + "'");
          continue;
        }
        if (dot) {
          sawDot = true;
          if (e.firstCluster() != p.cluster()) {
            problems.add(p.path() + ": '.' points to cluster " + e.firstCluster());
          }
        } else {
          sawDotDot = true;
          if (e.firstCluster() != p.parentCluster()) {
            problems.add(p.path() + ": '..' points to cluster " + e.firstCluster()
                + " instead of " + p.parentCluster());
          }
        }
        continue;
      }
      for (int i = 0; i < 11; i++) {
        int c = raw[i] & 0xFF;
        if ((c < 0x20 && !(i == 0 && c == 0x05)) || "\"*/:<>?\\|+,;=[]".indexOf(c) >= 0
            || (c >= 'a' && c <= 'z')) {
          problems.add(p.path() + ": bad short name '" + shortName + "'");
          break;
        }
      }
      if (!shortSeen.add(ShortNames.latin1(raw))) {
        problems.add(p.path() + ": duplicate short name " + shortName);
      }
      String name = longName != null ? longName : shortName;
      if (longName != null && !longSeen.add(Dir.fold(longName))) {
        problems.add(p.path() + ": duplicate name " + longName);
      }
      String path = (p.path().equals("/") ? "/" : p.path() + "/") + name;
      if (e.isDirectory()) {
        if (e.firstCluster() == 0) {
          problems.add(path + ": directory without clusters");
          continue;
        }
        long self = p.cluster() == (bpb.fat32() ? bpb.rootCluster() : 0) ? 0 : p.cluster();
        todo.add(new Pending(path, e.firstCluster(), self));
      } else {
        files++;
        if (e.firstCluster() == 0) {
          if (e.size() != 0) {
            problems.add(path + ": size " + e.size() + " without clusters");
          }
        } else {
          claim(path, e.firstCluster(), e.size());
        }
      }
    }
    if (lfnPending > 0) {
      problems.add(p.path() + ": orphaned long-name entries at the end");
    }
    if (p.parentCluster() >= 0 && (!sawDot || !sawDotDot)) {
      problems.add(p.path() + ": missing '.' or '..'");
    }
  }

  private static String readLong(ByteBuf buf, int shortSlot, int count) {
    char[] c = new char[count * 13];
    DirectoryEntry de = new DirectoryEntry();
    for (int k = 0; k < count; k++) {
      de.wrap(buf, (shortSlot - 1 - k) * 32);
      for (int i = 0; i < 13; i++) {
        c[k * 13 + i] = de.lfnChar(i);
      }
    }
    int len = 0;
    while (len < c.length && c[len] != 0) {
      len++;
    }
    return new String(c, 0, len);
  }
}
