package io.morgana.fs.fat.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A write-back cache of file-system sectors with a fixed capacity, least recently used first out.
 * Dirty sectors carry a class: {@link #DATA} (file contents, new directory clusters: safe to write
 * any time, nothing points at them yet) or {@link #DIRECTORY} (live directory entries: written
 * only after the data and FAT they refer to). The owner flushes in order with {@link
 * #flush(int)}; when a dirty sector must be evicted the owner's ordered flush runs first.
 */
public final class SectorCache {

  public static final int DATA = 0;
  public static final int DIRECTORY = 1;

  /** Runs the owner's whole ordered write-back (data, FAT, directories). */
  public interface Flusher {
    void flushAll() throws IOException;

    /**
     * Whether a write-back may run now; false while the owner is in the middle of changing a
     * directory (a long name half written must not reach the disk). The cache then grows past
     * its capacity until the owner's next {@link SectorCache#trim()}.
     */
    default boolean canFlush() {
      return true;
    }
  }

  private static final class Entry {
    final byte[] data;
    boolean dirty;
    int cls;

    Entry(byte[] data) {
      this.data = data;
    }
  }

  private final Volume volume;
  private final int capacity;
  private final LinkedHashMap<Long, Entry> map;
  /** Dirty sectors by class, in sector order. */
  private final List<TreeMap<Long, Entry>> dirty = List.of(new TreeMap<>(), new TreeMap<>());
  private Flusher flusher;
  private long hits;
  private long misses;

  public SectorCache(Volume volume, int capacitySectors) {
    this.volume = volume;
    this.capacity = Math.max(8, capacitySectors);
    this.map = new LinkedHashMap<>(16, 0.75f, true);
  }

  public void setFlusher(Flusher flusher) {
    this.flusher = flusher;
  }

  public int capacity() { return capacity; }
  public long hits() { return hits; }
  public long misses() { return misses; }

  /** The cached bytes of {@code sector} (read on a miss); changes must be followed by {@link #markDirty}. */
  public byte[] get(long sector) throws IOException {
    Entry e = map.get(sector);
    if (e != null) {
      hits++;
      return e.data;
    }
    misses++;
    byte[] d = new byte[volume.sectorSize()];
    volume.read(sector, d, 0, 1);
    return insert(sector, d).data;
  }

  /** A sector whose old content does not matter, zero-filled, without reading it. */
  public byte[] getZeroed(long sector) throws IOException {
    Entry e = map.get(sector);
    if (e != null) {
      java.util.Arrays.fill(e.data, (byte) 0);
      return e.data;
    }
    return insert(sector, new byte[volume.sectorSize()]).data;
  }

  private Entry insert(long sector, byte[] d) throws IOException {
    makeRoom();
    Entry e = new Entry(d);
    map.put(sector, e);
    return e;
  }

  private void makeRoom() throws IOException {
    if (map.size() < capacity) {
      return;
    }
    Iterator<Map.Entry<Long, Entry>> it = map.entrySet().iterator();
    Map.Entry<Long, Entry> eldest = it.next();
    if (eldest.getValue().dirty) {
      if (!flusher.canFlush()) {
        // Evict the least recently used clean sector, if any; otherwise grow for now.
        while (it.hasNext()) {
          if (!it.next().getValue().dirty) {
            it.remove();
            return;
          }
        }
        return;
      }
      flusher.flushAll();
      it = map.entrySet().iterator();
      it.next();
    }
    it.remove();
  }

  /** Whether the cache holds more sectors than its capacity (after deferred write-backs). */
  public boolean overCapacity() {
    return map.size() > capacity;
  }

  /** Brings the cache back to its capacity: write back everything, then drop the eldest. */
  public void trim() throws IOException {
    if (map.size() <= capacity) {
      return;
    }
    flusher.flushAll();
    Iterator<Map.Entry<Long, Entry>> it = map.entrySet().iterator();
    while (map.size() > capacity && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  public void markDirty(long sector, int cls) {
    Entry e = map.get(sector);
    if (e == null) {
      throw new IllegalStateException("sector " + sector + " is not cached");
    }
    if (e.dirty && e.cls >= cls) {
      return;
    }
    if (e.dirty) {
      dirty.get(e.cls).remove(sector);
    }
    e.dirty = true;
    e.cls = Math.max(e.cls, cls);
    dirty.get(e.cls).put(sector, e);
  }

  public boolean hasDirty() {
    return !dirty.get(DATA).isEmpty() || !dirty.get(DIRECTORY).isEmpty();
  }

  /**
   * Writes every dirty sector of class {@code cls}, in sector order; consecutive dirty sectors
   * (a directory's clusters) go to the device as one request of up to {@value #BATCH_BYTES} bytes.
   */
  public void flush(int cls) throws IOException {
    TreeMap<Long, Entry> d = dirty.get(cls);
    int ss = volume.sectorSize();
    int max = Math.max(1, BATCH_BYTES / ss);
    while (!d.isEmpty()) {
      Map.Entry<Long, Entry> first = d.firstEntry();
      long start = first.getKey();
      Map.Entry<Long, Entry> next = d.higherEntry(start);
      if (next == null || next.getKey() != start + 1) {
        Entry e = first.getValue();
        volume.write(start, e.data, 0, 1);
        d.pollFirstEntry();
        e.dirty = false;
        e.cls = DATA;
        continue;
      }
      if (batch == null) {
        batch = new byte[max * ss];
      }
      int count = 0;
      for (Map.Entry<Long, Entry> me : d.tailMap(start).entrySet()) {
        if (count == max || me.getKey() != start + count) {
          break;
        }
        System.arraycopy(me.getValue().data, 0, batch, count * ss, ss);
        count++;
      }
      volume.write(start, batch, 0, count);
      for (int i = 0; i < count; i++) {
        Entry e = d.pollFirstEntry().getValue();
        e.dirty = false;
        e.cls = DATA;
      }
    }
  }

  private static final int BATCH_BYTES = 64 * 1024;
  private byte[] batch;

  /** Writes dirty sectors in {@code [sector, sector + count)} (data about to be read around the cache). */
  public void writeBackRange(long sector, long count) throws IOException {
    if (!hasDirty()) {
      return;
    }
    if (!dirty.get(DIRECTORY).subMap(sector, sector + count).isEmpty()) {
      flusher.flushAll();
      return;
    }
    TreeMap<Long, Entry> d = dirty.get(DATA);
    List<Map.Entry<Long, Entry>> hit = new ArrayList<>(d.subMap(sector, sector + count).entrySet());
    for (Map.Entry<Long, Entry> me : hit) {
      Entry e = me.getValue();
      volume.write(me.getKey(), e.data, 0, 1);
      e.dirty = false;
      d.remove(me.getKey());
    }
  }

  /** Forgets {@code [sector, sector + count)}: the caller is about to overwrite it directly. */
  public void invalidate(long sector, long count) {
    if (map.isEmpty()) {
      return;
    }
    for (TreeMap<Long, Entry> d : dirty) {
      d.subMap(sector, sector + count).clear();
    }
    if (count > map.size()) {
      map.keySet().removeIf(s -> s >= sector && s < sector + count);
    } else {
      for (long s = sector; s < sector + count; s++) {
        map.remove(s);
      }
    }
  }
}
