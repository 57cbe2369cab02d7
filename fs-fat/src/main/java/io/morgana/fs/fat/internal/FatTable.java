package io.morgana.fs.fat.internal;

import io.morgana.fs.fat.wire.FatFormatException;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The file allocation table (fatgen103 §4), held in memory as the bytes of the first FAT (4
 * bytes per cluster at most: 1 MiB for a 1 GiB FAT32 volume with 4 KiB clusters). Changes mark
 * FAT sectors dirty; {@link #dirtySectors()} lists them so the file system writes them to every
 * FAT copy at the right point of its write-back order.
 *
 * <p>Entry values: 0 free, 2..{@code maxCluster} next cluster, {@link #bad()} bad, {@code >=
 * eoc()} end of chain. Chain walks are bounded by the cluster count, so a loop is an error, not a
 * hang.
 */
public final class FatTable {

  private final byte[] bytes;
  private final int bits;
  private final int sectorSize;
  private final long clusterCount;
  private final BitSet dirty = new BitSet();
  private long free;
  private long nextFree = 2;

  /**
   * @param bytes the first FAT as read from disk (kept, not copied)
   * @param bits 12, 16 or 32
   * @param clusterCount number of data clusters (2 .. clusterCount + 1 are valid)
   */
  public FatTable(byte[] bytes, int bits, int sectorSize, long clusterCount) {
    this.bytes = bytes;
    this.bits = bits;
    this.sectorSize = sectorSize;
    this.clusterCount = clusterCount;
    this.free = countFree();
  }

  /**
   * Free entries among clusters 2..{@link #maxCluster()}: one pass over the bytes, without a call
   * per entry for FAT16 and FAT32 (it runs once per mount, mostly before the JIT compiles
   * anything: 262,144 entries for a 1 GiB FAT32 volume).
   */
  private long countFree() {
    long f = 0;
    int last = (int) maxCluster();
    if (bits == 32) {
      for (int at = 8, end = last * 4; at <= end; at += 4) {
        if ((bytes[at] | bytes[at + 1] | bytes[at + 2] | (bytes[at + 3] & 0x0F)) == 0) {
          f++;
        }
      }
    } else if (bits == 16) {
      for (int at = 4, end = last * 2; at <= end; at += 2) {
        if ((bytes[at] | bytes[at + 1]) == 0) {
          f++;
        }
      }
    } else {
      for (long c = 2; c <= last; c++) {
        if (get(c) == 0) {
          f++;
        }
      }
    }
    return f;
  }

  public int bits() { return bits; }
  public long clusterCount() { return clusterCount; }
  public long maxCluster() { return clusterCount + 1; }
  public long freeCount() { return free; }
  public long nextFreeHint() { return nextFree; }
  public byte[] bytes() { return bytes; }

  /** The end-of-chain marker written by this file system. */
  public long eocMark() {
    return bits == 12 ? 0xFFF : bits == 16 ? 0xFFFF : 0x0FFFFFFF;
  }

  /** Values at or above this end a chain. */
  public long eoc() {
    return bits == 12 ? 0xFF8 : bits == 16 ? 0xFFF8 : 0x0FFFFFF8;
  }

  public long bad() {
    return bits == 12 ? 0xFF7 : bits == 16 ? 0xFFF7 : 0x0FFFFFF7;
  }

  public boolean isEoc(long v) {
    return v >= eoc();
  }

  public long get(long cluster) {
    return switch (bits) {
      case 12 -> {
        int at = (int) (cluster + cluster / 2);
        int v = (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
        yield (cluster & 1) == 0 ? v & 0xFFF : v >>> 4;
      }
      case 16 -> {
        int at = (int) (cluster * 2);
        yield (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
      }
      default -> {
        int at = (int) (cluster * 4);
        yield ((bytes[at] & 0xFFL) | (bytes[at + 1] & 0xFFL) << 8 | (bytes[at + 2] & 0xFFL) << 16
            | (bytes[at + 3] & 0xFFL) << 24) & 0x0FFFFFFF;
      }
    };
  }

  /** Sets an entry (any cluster including 0 and 1), keeping the free count and dirty sectors. */
  public void set(long cluster, long value) {
    long old = cluster >= 2 ? get(cluster) : -1;
    switch (bits) {
      case 12 -> {
        int at = (int) (cluster + cluster / 2);
        int v = (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
        v = (cluster & 1) == 0 ? (v & 0xF000) | (int) (value & 0xFFF) : (v & 0x000F) | (int) (value & 0xFFF) << 4;
        bytes[at] = (byte) v;
        bytes[at + 1] = (byte) (v >>> 8);
        dirty.set(at / sectorSize);
        dirty.set((at + 1) / sectorSize);
      }
      case 16 -> {
        int at = (int) (cluster * 2);
        bytes[at] = (byte) value;
        bytes[at + 1] = (byte) (value >>> 8);
        dirty.set(at / sectorSize);
      }
      default -> {
        int at = (int) (cluster * 4);
        bytes[at] = (byte) value;
        bytes[at + 1] = (byte) (value >>> 8);
        bytes[at + 2] = (byte) (value >>> 16);
        bytes[at + 3] = (byte) ((bytes[at + 3] & 0xF0) | ((value >>> 24) & 0x0F));
        dirty.set(at / sectorSize);
      }
    }
    if (cluster >= 2) {
      if (old == 0 && value != 0) {
        free--;
      } else if (old != 0 && value == 0) {
        free++;
        if (cluster < nextFree) {
          nextFree = cluster;
        }
      }
    }
  }

  /** Whether {@code c} names a data cluster. */
  public boolean inRange(long c) {
    return c >= 2 && c <= maxCluster();
  }

  /**
   * The clusters of the chain starting at {@code first}, checked: every link in range, no free or
   * bad cluster inside, no loop (at most {@code clusterCount} links). {@code first == 0} is the
   * empty chain.
   */
  public long[] chain(long first) throws FatFormatException {
    if (first == 0) {
      return new long[0];
    }
    long[] out = new long[16];
    int n = 0;
    long c = first;
    while (true) {
      if (!inRange(c)) {
        throw new FatFormatException("cluster chain from " + first + " reaches cluster " + c
            + ", outside 2.." + maxCluster());
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = c;
      if (n > clusterCount) {
        throw new FatFormatException("cluster chain from " + first + " loops");
      }
      long next = get(c);
      if (isEoc(next)) {
        break;
      }
      if (next == 0) {
        throw new FatFormatException("cluster chain from " + first + " runs into free cluster at " + c);
      }
      if (next == bad()) {
        throw new FatFormatException("cluster chain from " + first + " runs into a bad cluster after " + c);
      }
      c = next;
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * Allocates {@code count} free clusters, links them into a chain ending with end-of-chain, and
   * returns them; nothing changes when there are not enough (returns {@code null}). As {@link
   * #allocate(int, long)} with no cluster to follow.
   */
  public long[] allocate(int count) {
    return allocate(count, 0);
  }

  /**
   * Allocates {@code count} free clusters as {@link #allocate(int)} does, preferring one run of
   * consecutive clusters (an extent, which file data crosses in one device request): first right
   * after cluster {@code after} (the current end of the chain being grown, 0 for none), else the
   * first run from the next-free hint (fatgen103 §5, {@code FSI_Nxt_Free}) within a search bounded
   * by the size asked for, else any free clusters from the hint on.
   */
  public long[] allocate(int count, long after) {
    if (count == 0) {
      return new long[0];
    }
    if (count > free) {
      return null;
    }
    long[] out = new long[count];
    long hint = nextFree < 2 || nextFree > maxCluster() ? 2 : nextFree;
    long start = after >= 2 && isFreeRun(after + 1, count) ? after + 1 : findRun(hint, count);
    long c;
    if (start > 0) {
      for (int i = 0; i < count; i++) {
        out[i] = start + i;
      }
      c = start + count > maxCluster() ? 2 : start + count;
    } else {
      int n = 0;
      c = hint;
      long scanned = 0;
      while (n < count && scanned <= clusterCount) {
        if (get(c) == 0) {
          out[n++] = c;
        }
        c = c >= maxCluster() ? 2 : c + 1;
        scanned++;
      }
      if (n < count) {
        return null;
      }
    }
    for (int i = 0; i < count; i++) {
      set(out[i], i + 1 < count ? out[i + 1] : eocMark());
    }
    nextFree = c;
    return out;
  }

  private boolean isFreeRun(long start, int count) {
    if (start < 2 || start + count - 1 > maxCluster()) {
      return false;
    }
    for (long c = start; c < start + count; c++) {
      if (get(c) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The first cluster of a run of {@code count} free clusters at or after {@code from}, wrapping
   * once to cluster 2, looking at no more than {@code 64 × count + 4096} entries; 0 if none.
   */
  private long findRun(long from, int count) {
    long budget = Math.min(clusterCount, 64L * count + 4096);
    long c = from;
    long runStart = 0;
    int run = 0;
    for (long looked = 0; looked < budget; looked++) {
      if (get(c) == 0) {
        if (run == 0) {
          runStart = c;
        }
        if (++run == count) {
          return runStart;
        }
      } else {
        run = 0;
      }
      if (c >= maxCluster()) {
        c = 2;
        run = 0; // a run does not wrap around the end of the volume
      } else {
        c++;
      }
    }
    return 0;
  }

  /** Marks every cluster of {@code clusters} free. */
  public void free(long[] clusters) {
    for (long c : clusters) {
      set(c, 0);
    }
  }

  /** Sectors (relative to the start of one FAT) changed since {@link #clearDirty()}. */
  public BitSet dirtySectors() {
    return dirty;
  }

  public void clearDirty() {
    dirty.clear();
  }
}
