package io.morgana.fs.fat;

import io.morgana.fs.fat.internal.SectorCache;
import io.morgana.fs.fat.wire.DirectoryEntry;
import io.morgana.fs.fat.wire.FatFormatException;
import io.morgana.fs.fat.wire.LongNameSlot;
import io.morgana.fs.fat.wire.ShortEntry;
import io.morgana.fs.fat.wire.ShortNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded directory (fatgen103 §6 "FAT Directory Structure", §7 "FAT Long Directory Entries"):
 * the sectors it occupies, its live entries indexed by case-folded long and short name, and which
 * 32-byte slots are in use. Changes go through the sector cache as {@link SectorCache#DIRECTORY}
 * writes.
 */
final class Dir {

  /** A directory holds at most 65,536 32-byte slots, 2 MiB (fatgen103 §6). */
  static final int MAX_SLOTS = 65536;

  /** First cluster, or 0 for the fixed FAT12/16 root directory. */
  private final long firstCluster;
  private final boolean root;
  private long[] sectors;
  private long[] clusters;
  private int slots;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Node> byName = new HashMap<>();
  private final Set<String> shortNames = new HashSet<>();
  private final BitSet used = new BitSet();
  /** Next numeric tail to try per basis name (a hint; tails are still checked). */
  private final Map<String, Integer> tailHints = new HashMap<>();
  /** Index of the first slot of the free tail (the 0x00 end marker), slots if none. */
  private int end;

  private final int sectorSize;

  Dir(long firstCluster, boolean root, long[] clusters, long[] sectors, int sectorSize) {
    this.firstCluster = firstCluster;
    this.root = root;
    this.clusters = clusters;
    this.sectors = sectors;
    this.sectorSize = sectorSize;
    this.slots = sectors.length * (sectorSize / DirectoryEntry.LENGTH);
  }

  long firstCluster() {
    return firstCluster;
  }

  /** The cluster a child's ".." names: 0 for the root (fatgen103 §6.3, also on FAT32). */
  long clusterForDotDot() {
    return root ? 0 : firstCluster;
  }

  boolean isRoot() {
    return root;
  }

  long firstSector() {
    return sectors[0];
  }

  int slots() {
    return slots;
  }

  /** The live entries, in slot order (a view: copy before changing the directory). */
  List<Node> nodes() {
    return java.util.Collections.unmodifiableList(nodes);
  }

  boolean hasOpenFiles() {
    for (Node n : nodes) {
      if (n.isOpen()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A free short name for {@code name} (fatgen103 §7.4 "The numeric-tail generation algorithm"),
   * remembering the tail used so that the next alias of the same basis starts after it.
   */
  byte[] aliasFor(String name) {
    byte[] basis = ShortNames.alias(name, x -> false, 1);
    String hintKey = ShortNames.latin1(basis);
    byte[] sfn = ShortNames.alias(name, shortNames::contains, tailHints.getOrDefault(hintKey, 1));
    int tail = ShortNames.tailOf(sfn);
    if (tail > 0) {
      tailHints.put(hintKey, tail + 1);
    }
    return sfn;
  }

  /** Free slots at the end of the directory (after the last used one). */
  int freeTailSlots() {
    int freeTail = 0;
    for (int i = slots - 1; i >= 0 && (i >= end || !used.get(i)); i--) {
      freeTail++;
    }
    return freeTail;
  }

  long lastCluster() {
    return clusters[clusters.length - 1];
  }

  /**
   * Appends {@code added} (zeroed clusters already linked after {@link #lastCluster()}) whose
   * sectors are {@code addedSectors}. The end marker stays: the new slots lie after it and are
   * free.
   */
  void grow(long[] added, long[] addedSectors) {
    long[] all = Arrays.copyOf(clusters, clusters.length + added.length);
    System.arraycopy(added, 0, all, clusters.length, added.length);
    long[] sec = Arrays.copyOf(sectors, sectors.length + addedSectors.length);
    System.arraycopy(addedSectors, 0, sec, sectors.length, addedSectors.length);
    clusters = all;
    sectors = sec;
    slots = sectors.length * slotsPerSector();
  }

  int slotsPerSector() {
    return sectorSize / DirectoryEntry.LENGTH;
  }

  long sectorOf(int slot) {
    return sectors[slot / slotsPerSector()];
  }

  int offsetOf(int slot) {
    return (slot % slotsPerSector()) * DirectoryEntry.LENGTH;
  }

  /** Case-folding used for lookups: per-character upper case, as the Windows up-case table. */
  static String fold(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      c[i] = Character.toUpperCase(c[i]);
    }
    return new String(c);
  }

  Node find(String name) {
    return byName.get(fold(name));
  }

  /** Parses every slot (through the cache). */
  void load(SectorCache cache) throws IOException {
    DirectoryEntry de = new DirectoryEntry();
    char[] pending = null;
    int pendingStart = -1;
    int expect = 0;
    int checksum = 0;
    end = slots;
    outer:
    for (int si = 0; si < sectors.length; si++) {
      ByteBuf buf = Unpooled.wrappedBuffer(cache.get(sectors[si]));
      for (int k = 0; k < slotsPerSector(); k++) {
        int slot = si * slotsPerSector() + k;
        int off = k * DirectoryEntry.LENGTH;
        de.wrap(buf, off);
        int first = de.firstByte();
        if (first == DirectoryEntry.END) {
          end = slot;
          break outer;
        }
        if (first == DirectoryEntry.FREE) {
          pending = null;
          continue;
        }
        used.set(slot);
        if (de.isLongName()) {
          LongNameSlot l;
          try {
            l = LongNameSlot.parse(buf, off);
          } catch (FatFormatException e) {
            pending = null;
            continue;
          }
          if (l.last()) {
            pending = new char[l.ordinal() * 13];
            pendingStart = slot;
            expect = l.ordinal();
            checksum = l.checksum();
          }
          if (pending != null && l.ordinal() == expect && l.checksum() == checksum) {
            System.arraycopy(l.chars(), 0, pending, (l.ordinal() - 1) * 13, 13);
            expect--;
          } else {
            pending = null;
          }
          continue;
        }
        ShortEntry se = ShortEntry.parse(buf, off);
        byte[] raw = se.name();
        String longName = null;
        int firstSlot = slot;
        if (pending != null && expect == 0 && ShortNames.checksum(raw) == checksum) {
          int len = 0;
          while (len < pending.length && pending[len] != 0) {
            len++;
          }
          longName = new String(pending, 0, len);
          firstSlot = pendingStart;
        }
        pending = null;
        if (se.isVolumeLabel() || raw[0] == '.') {
          continue;
        }
        add(new Node(this, longName, se, firstSlot, slot));
      }
    }
  }

  void add(Node n) {
    nodes.add(n);
    if (n.longName() != null) {
      byName.putIfAbsent(fold(n.longName()), n);
    }
    byName.putIfAbsent(fold(n.shortDisplay()), n);
    shortNames.add(ShortNames.latin1(n.entry().name()));
  }

  void remove(Node n) {
    nodes.remove(n);
    if (n.longName() != null && byName.get(fold(n.longName())) == n) {
      byName.remove(fold(n.longName()));
    }
    String s = fold(n.shortDisplay());
    if (byName.get(s) == n) {
      byName.remove(s);
    }
    shortNames.remove(ShortNames.latin1(n.entry().name()));
  }

  /** The first run of {@code count} free slots, or -1. */
  int findFree(int count) {
    int run = 0;
    for (int i = 0; i < slots; i++) {
      if (i >= end || !used.get(i)) {
        run++;
        if (run == count) {
          return i - count + 1;
        }
      } else {
        run = 0;
      }
    }
    return -1;
  }

  /** Writes a short entry at its slot. */
  void writeShort(SectorCache cache, int slot, ShortEntry e) throws IOException {
    long sector = sectorOf(slot);
    byte[] data = cache.get(sector);
    e.emit(Unpooled.wrappedBuffer(data), offsetOf(slot));
    cache.markDirty(sector, SectorCache.DIRECTORY);
  }

  void writeLong(SectorCache cache, int slot, LongNameSlot l) throws IOException {
    long sector = sectorOf(slot);
    byte[] data = cache.get(sector);
    l.emit(Unpooled.wrappedBuffer(data), offsetOf(slot));
    cache.markDirty(sector, SectorCache.DIRECTORY);
  }

  /** Marks slots {@code [from, to]} free (0xE5). */
  void freeSlots(SectorCache cache, int from, int to) throws IOException {
    for (int s = from; s <= to; s++) {
      long sector = sectorOf(s);
      byte[] data = cache.get(sector);
      data[offsetOf(s)] = (byte) DirectoryEntry.FREE;
      cache.markDirty(sector, SectorCache.DIRECTORY);
      used.clear(s);
    }
  }

  /** After using slots up to {@code last}: keep the 0x00 end marker right after them. */
  void markUsed(SectorCache cache, int from, int last) throws IOException {
    used.set(from, last + 1);
    if (last >= end) {
      end = last + 1;
      if (end < slots) {
        long sector = sectorOf(end);
        byte[] data = cache.get(sector);
        if (data[offsetOf(end)] != 0) {
          data[offsetOf(end)] = 0;
          cache.markDirty(sector, SectorCache.DIRECTORY);
        }
      }
    }
  }

  boolean isEmpty() {
    return nodes.isEmpty();
  }
}
