package io.morgana.fs.fat.internal;

import io.morgana.fs.fat.wire.BiosParameterBlock;
import io.morgana.fs.fat.wire.FatFormatException;
import io.morgana.fs.fat.wire.FsInfo;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.BitSet;

/**
 * The order in which changes reach the device, so that a power cut leaves at worst lost
 * clusters: data sectors (new file and directory clusters) first, then every copy of the FAT
 * (fatgen103 §3.1 {@code BPB_NumFATs}: all copies are kept equal), then directory sectors (the
 * entries of §6 that make new chains reachable), then the FAT32 FSInfo sector (§5, a hint only).
 * Each phase that wrote anything is followed by a device flush before the next one starts.
 *
 * <p>Callers only mark sectors dirty ({@link SectorCache}) and FAT entries changed ({@link
 * FatTable}); {@link #sync()} writes everything in that order. A directory change in progress
 * ({@link #beginDirectoryChange()} … {@link #endDirectoryChange()}: a long name half written)
 * holds back write-backs that the cache would start to make room; {@link #checkpoint()} runs
 * them afterwards.
 *
 * <p>When space is freed the caller syncs first (the entry that no longer points at a chain is on
 * disk) and frees the clusters after, so that no cluster is reused while an old entry still
 * names it.
 */
public final class WriteBack implements SectorCache.Flusher {

  private final Volume volume;
  private final SectorCache cache;
  private final FatTable fat;
  private final BiosParameterBlock bpb;
  private long fsInfoFree = -1;
  private long fsInfoNext = -1;
  private long writesAtBarrier;
  /** Directory changes in progress: no write-back may run in their middle. */
  private int directoryChanges;

  /** Registers itself as {@code cache}'s flusher. */
  public WriteBack(Volume volume, SectorCache cache, FatTable fat, BiosParameterBlock bpb) {
    this.volume = volume;
    this.cache = cache;
    this.fat = fat;
    this.bpb = bpb;
    cache.setFlusher(this);
  }

  /**
   * Reads the FSInfo sector's free count and next-free hint (FAT32), so that an unchanged hint is
   * not rewritten. A damaged FSInfo is only a hint: it is rewritten on the next change.
   */
  public void readFsInfo() throws IOException {
    if (!bpb.fat32() || bpb.fsInfoSector() == 0) {
      return;
    }
    try {
      FsInfo info = FsInfo.parse(Unpooled.wrappedBuffer(cache.get(bpb.fsInfoSector())), 0);
      fsInfoFree = info.freeCount();
      fsInfoNext = info.nextFree();
    } catch (FatFormatException e) {
      // rewritten on the next change
    }
  }

  /** Writes everything dirty in the safe order: data, every FAT copy, directories, FSInfo. */
  public void sync() throws IOException {
    boolean any = false;
    if (cache.hasDirty()) {
      cache.flush(SectorCache.DATA);
    }
    if (!fat.dirtySectors().isEmpty()) {
      barrier();
      writeFat();
      any = true;
    }
    if (cache.hasDirty()) {
      barrier();
      cache.flush(SectorCache.DIRECTORY);
      any = true;
    }
    if (any) {
      writeFsInfo();
    }
  }

  /** {@link #sync()}, then a device flush: everything so far is durable. */
  public void syncAndFlush() throws IOException {
    sync();
    volume.flush();
  }

  /** After an operation: if deferred write-backs let the cache grow, write back and shrink. */
  public void checkpoint() throws IOException {
    if (directoryChanges == 0 && cache.overCapacity()) {
      cache.trim();
    }
  }

  /** A directory change starts: the cache must not write back until the matching end. */
  public void beginDirectoryChange() {
    directoryChanges++;
  }

  public void endDirectoryChange() {
    directoryChanges--;
  }

  @Override
  public void flushAll() throws IOException {
    sync();
  }

  @Override
  public boolean canFlush() {
    return directoryChanges == 0;
  }

  /** A device flush between two phases of the write-back order, when the first wrote anything. */
  private void barrier() throws IOException {
    if (volume.sectorsWritten() != writesAtBarrier) {
      volume.flush();
      writesAtBarrier = volume.sectorsWritten();
    }
  }

  private void writeFat() throws IOException {
    BitSet d = fat.dirtySectors();
    byte[] bytes = fat.bytes();
    int sectorSize = bpb.bytesPerSector();
    for (int copy = 0; copy < bpb.numFats(); copy++) {
      long base = bpb.fatStart() + copy * bpb.fatSectors();
      int s = d.nextSetBit(0);
      while (s >= 0) {
        int e = d.nextClearBit(s);
        volume.write(base + s, bytes, s * sectorSize, e - s);
        s = d.nextSetBit(e);
      }
    }
    fat.clearDirty();
  }

  private void writeFsInfo() throws IOException {
    if (!bpb.fat32() || bpb.fsInfoSector() == 0) {
      return;
    }
    long free = fat.freeCount();
    long next = fat.nextFreeHint();
    if (free == fsInfoFree && next == fsInfoNext) {
      return;
    }
    byte[] data = cache.get(bpb.fsInfoSector());
    new FsInfo(free, next).emit(Unpooled.wrappedBuffer(data), 0);
    volume.write(bpb.fsInfoSector(), data, 0, 1);
    fsInfoFree = free;
    fsInfoNext = next;
  }
}
