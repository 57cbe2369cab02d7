package io.morgana.fs.fat.internal;

import io.morgana.fs.fat.wire.BiosParameterBlock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Arrays;

/**
 * Byte ranges of cluster chains over the {@link Volume} (fatgen103 §3.5 "FAT Data Structure":
 * cluster {@code N} starts at sector {@code FirstDataSector + (N − 2) × BPB_SecPerClus}).
 *
 * <p>A chain is cut into <em>extents</em>, runs of consecutive cluster numbers; each extent moves
 * between the caller's buffer and the device in one request, so a file allocated as one run is
 * read or written with one device call per buffer, whatever its size. Only a sector that the
 * range covers partly goes through the {@link SectorCache} (as a {@link SectorCache#DATA} write);
 * whole sectors bypass it (the cache's copies of them are written back first when reading, and
 * dropped when writing).
 *
 * <p>Every write here is a data-class write: it lands in clusters that nothing on disk points at
 * yet (new clusters, or the private copy of a file being changed), so it may reach the device at
 * any time before the FAT and the directory entry that publish it (see {@link WriteBack}).
 */
public final class ClusterIo {

  private final Volume volume;
  private final SectorCache cache;
  private final int sectorSize;
  private final int sectorsPerCluster;
  private final int clusterBytes;
  private final long dataStart;
  /** Bounce buffer for a short run that ends in a partial sector (a small file's last bytes). */
  private final byte[] scratch = new byte[64 * 1024];

  public ClusterIo(Volume volume, SectorCache cache, BiosParameterBlock bpb) {
    this.volume = volume;
    this.cache = cache;
    this.sectorSize = bpb.bytesPerSector();
    this.sectorsPerCluster = bpb.sectorsPerCluster();
    this.clusterBytes = bpb.clusterBytes();
    this.dataStart = bpb.dataStart();
  }

  public int clusterBytes() {
    return clusterBytes;
  }

  /** Clusters needed for {@code bytes} bytes. */
  public long clustersFor(long bytes) {
    return (bytes + clusterBytes - 1) / clusterBytes;
  }

  /** First sector of data cluster {@code cluster}. */
  public long clusterSector(long cluster) {
    return dataStart + (cluster - 2) * sectorsPerCluster;
  }

  /** Every sector of {@code clusters}, in order. */
  public long[] sectorsOf(long[] clusters) {
    long[] s = new long[clusters.length * sectorsPerCluster];
    for (int i = 0; i < clusters.length; i++) {
      long base = clusterSector(clusters[i]);
      for (int k = 0; k < sectorsPerCluster; k++) {
        s[i * sectorsPerCluster + k] = base + k;
      }
    }
    return s;
  }

  /**
   * Writes {@code data} (one cluster's bytes) straight to cluster {@code cluster}, around the
   * cache: a new directory cluster, on disk before the FAT links it in.
   */
  public void writeCluster(long cluster, byte[] data) throws IOException {
    long s = clusterSector(cluster);
    cache.invalidate(s, sectorsPerCluster);
    volume.write(s, data, 0, sectorsPerCluster);
  }

  /**
   * Bytes from {@code pos} to the end of the extent of {@code chain} that holds {@code pos}, at
   * most {@code len}.
   */
  private int extentBytes(long[] chain, int ci, int within, int len) {
    long c = chain[ci];
    int run = 1;
    while (ci + run < chain.length && chain[ci + run] == c + run
        && (long) run * clusterBytes - within < len) {
      run++;
    }
    return (int) Math.min(len, (long) run * clusterBytes - within);
  }

  /** Reads {@code len} bytes of the clusters {@code chain} from byte {@code pos}. */
  public void read(long[] chain, long pos, byte[] dst, int off, int len) throws IOException {
    read(chain, pos, Unpooled.wrappedBuffer(dst), off, len);
  }

  /**
   * As {@link #read(long[], long, byte[], int, int)}, into {@code dst} at absolute index {@code
   * off} (its indices unchanged): whole sectors go from the device straight into {@code dst}, one
   * request per extent, so a direct buffer is filled with no copy in the JVM.
   */
  public void read(long[] chain, long pos, ByteBuf dst, int off, int len) throws IOException {
    while (len > 0) {
      int ci = (int) (pos / clusterBytes);
      int within = (int) (pos % clusterBytes);
      int n = extentBytes(chain, ci, within, len);
      long sector = clusterSector(chain[ci]) + within / sectorSize;
      int so = within % sectorSize;
      int done = 0;
      if (so != 0 || n < sectorSize) {
        byte[] s = cache.get(sector);
        int k = Math.min(n, sectorSize - so);
        dst.setBytes(off, s, so, k);
        done = k;
        sector++;
      }
      int full = (n - done) / sectorSize;
      int tail = n - done - full * sectorSize;
      if (full > 0 && tail > 0 && (full + 1) * sectorSize <= scratch.length) {
        // A short run ending in a partial sector: one device read of the whole sectors instead
        // of one for the full ones plus one for the tail.
        cache.writeBackRange(sector, full + 1);
        volume.read(sector, scratch, 0, full + 1);
        dst.setBytes(off + done, scratch, 0, n - done);
        done = n;
      }
      if (full > 0 && done < n) {
        cache.writeBackRange(sector, full);
        volume.read(sector, dst, off + done, full);
        done += full * sectorSize;
        sector += full;
      }
      if (done < n) {
        byte[] s = cache.get(sector);
        dst.setBytes(off + done, s, 0, n - done);
        done = n;
      }
      pos += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Writes {@code len} bytes into the clusters {@code chain} from byte {@code pos}; bytes of a
   * partly written sector at or beyond {@code validEnd} are zero.
   */
  public void write(long[] chain, long pos, byte[] src, int off, int len, long validEnd) throws IOException {
    write(chain, pos, Unpooled.wrappedBuffer(src), off, len, validEnd);
  }

  /**
   * As {@link #write(long[], long, byte[], int, int, long)}, from {@code src} at absolute index
   * {@code off} (its indices unchanged): whole sectors go straight from {@code src} to the device,
   * one request per extent, so a direct buffer is written with no copy in the JVM.
   */
  public void write(long[] chain, long pos, ByteBuf src, int off, int len, long validEnd) throws IOException {
    while (len > 0) {
      int ci = (int) (pos / clusterBytes);
      int within = (int) (pos % clusterBytes);
      int n = extentBytes(chain, ci, within, len);
      long sector = clusterSector(chain[ci]) + within / sectorSize;
      long sectorPos = pos - within % sectorSize;
      int so = within % sectorSize;
      int done = 0;
      if (so != 0 || n < sectorSize) {
        byte[] s = sectorPos >= validEnd ? cache.getZeroed(sector) : cache.get(sector);
        int k = Math.min(n, sectorSize - so);
        src.getBytes(off, s, so, k);
        cache.markDirty(sector, SectorCache.DATA);
        done = k;
        sector++;
        sectorPos += sectorSize;
      }
      int full = (n - done) / sectorSize;
      int tail = n - done - full * sectorSize;
      if (full > 0 && tail > 0 && sectorPos + (long) full * sectorSize >= validEnd
          && (full + 1) * sectorSize <= scratch.length) {
        // A short run ending in a partial sector past the valid end: the tail sector's old
        // content does not matter, so the whole sectors go to the device in one request, the
        // tail zero-padded, instead of the tail waiting in the cache for a write of its own.
        src.getBytes(off + done, scratch, 0, n - done);
        Arrays.fill(scratch, n - done, (full + 1) * sectorSize, (byte) 0);
        cache.invalidate(sector, full + 1);
        volume.write(sector, scratch, 0, full + 1);
        done = n;
      }
      if (full > 0 && done < n) {
        cache.invalidate(sector, full);
        volume.write(sector, src, off + done, full);
        done += full * sectorSize;
        sector += full;
        sectorPos += (long) full * sectorSize;
      }
      if (done < n) {
        byte[] s = sectorPos >= validEnd ? cache.getZeroed(sector) : cache.get(sector);
        src.getBytes(off + done, s, 0, n - done);
        cache.markDirty(sector, SectorCache.DATA);
        done = n;
      }
      pos += n;
      off += n;
      len -= n;
    }
  }
}
