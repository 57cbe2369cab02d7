package io.morgana.block;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * Views of and operations on whole {@link Block}s: sector windows, read-only views, copy,
 * compare and sparse copy. Every operation checks its ranges on both devices before the first
 * byte moves, so a bad request fails whole with a {@link BlockException}.
 *
 * <p>Views never close the device beneath them; close that yourself.
 */
public final class Blocks {

  /** Bytes moved per request by {@link #copy}, {@link #compare} and {@link #sparseCopy}. */
  static final int CHUNK_BYTES = 1 << 20;

  private Blocks() {}

  /**
   * A view of {@code count} sectors of {@code device} starting at {@code first}, with the same
   * sector size and read-write flag. Requests outside the window fail; they never reach the device.
   *
   * @throws BlockException when the window does not lie on the device
   */
  public static Block slice(Block device, long first, long count) throws BlockException {
    return slice(device, first, count, "sectors " + first + "+" + count + " of " + device);
  }

  /** {@link #slice(Block, long, long)} with the name its errors use. */
  public static Block slice(Block device, long first, long count, String name) throws BlockException {
    return new SliceBlock(device, first, count, true, name);
  }

  /**
   * A read-only view of the whole device: reads pass through; writes and discards fail with
   * {@link BlockException}; flush does nothing; {@link BlockInfo#readWrite()} is false.
   */
  public static Block readOnly(Block device) throws BlockException {
    return new SliceBlock(device, 0, device.info().sectorCount(), false, "read-only " + device);
  }

  /** What a sparse copy does with the sectors it skips on the destination. */
  public enum SkippedSectors {
    /**
     * Nothing: the caller promises the destination already reads zeros there (a file just made by
     * {@link FileBlock#create}, a fresh {@link RamBlock}). Fastest, and a sparse file stays
     * sparse; if the promise is false the copy is wrong.
     */
    ASSUMED_ZERO,
    /**
     * Reads the destination where the source is zero and writes zeros only where it is not.
     * Always correct; a sparse destination file stays sparse where it was.
     */
    CHECKED,
    /**
     * {@link Block#discard}s them: their content becomes whatever the destination makes of a
     * discard (zeros on {@link RamBlock} and {@link FileBlock}, whose sparse files get their
     * space back; unspecified in general; unchanged on a device without discard). For copies whose zero sectors carry no meaning, such as a file system's free space.
     */
    DISCARDED
  }

  /** What {@link #sparseCopy} did, in source sectors. */
  public record SparseCopyResult(long sectorsWritten, long sectorsSkipped) {}

  /**
   * Copies all of {@code source} onto the start of {@code destination}.
   *
   * @throws BlockException when the destination is smaller, is read-only, or its sector size does
   *     not divide the source's size
   */
  public static void copy(Block source, Block destination) throws IOException {
    sparseCopy(source, destination, null);
  }

  /**
   * Copies all of {@code source} onto the start of {@code destination}, skipping the sectors
   * that are all zeros as {@code skipped} says.
   *
   * @throws BlockException when the destination is smaller, is read-only, or its sector size does
   *     not divide the source's size
   */
  public static SparseCopyResult sparseCopy(Block source, Block destination, SkippedSectors skipped) throws IOException {
    BlockInfo s = source.info();
    BlockInfo d = destination.info();
    Requests.checkWritable(destination, d, "copy from " + source, 0);
    if (s.sizeBytes() % d.sectorSize() != 0) {
      throw new BlockException("cannot copy " + source + " (" + s.sizeBytes() + " bytes) onto " + destination
          + ": its size is not a whole number of the destination's " + d.sectorSize() + "-byte sectors");
    }
    Requests.checkRange(destination, d, "copy from " + source, 0, s.sizeBytes() / d.sectorSize());
    int unit = Math.max(s.sectorSize(), d.sectorSize());
    int chunk = Math.max(CHUNK_BYTES, unit);
    long total = s.sizeBytes();
    long written = 0;
    long skippedBytes = 0;
    // Heap arrays: zero tests and comparisons run on byte[] (vectorised), and nothing needs releasing.
    byte[] data = new byte[chunk];
    byte[] other = skipped == SkippedSectors.CHECKED ? new byte[chunk] : null;
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    for (long pos = 0; pos < total; pos += chunk) {
      int n = (int) Math.min(chunk, total - pos);
      source.read(pos / s.sectorSize(), buf.setIndex(0, 0).slice(0, n).writerIndex(0));
      if (skipped == null) {
        destination.write(pos / d.sectorSize(), buf.slice(0, n));
        written += n;
        continue;
      }
      // Runs of whole `unit`-byte blocks, each either all zero or not.
      int i = 0;
      while (i < n) {
        boolean zero = isZero(data, i, unit);
        int j = i + unit;
        while (j < n && isZero(data, j, unit) == zero) {
          j += unit;
        }
        long dstSector = (pos + i) / d.sectorSize();
        if (!zero) {
          destination.write(dstSector, buf.slice(i, j - i));
          written += j - i;
        } else {
          skippedBytes += j - i;
          switch (skipped) {
            case ASSUMED_ZERO -> {}
            case DISCARDED -> destination.discard(dstSector, (j - i) / d.sectorSize());
            case CHECKED -> zeroWhereNot(destination, dstSector, buf, i, j - i, other, unit);
          }
        }
        i = j;
      }
    }
    return new SparseCopyResult(written / s.sectorSize(), skippedBytes / s.sectorSize());
  }

  private static void zeroWhereNot(Block destination, long dstSector, ByteBuf zeros, int zerosOffset, int length,
      byte[] scratch, int unit) throws IOException {
    int sectorSize = destination.info().sectorSize();
    destination.read(dstSector, Unpooled.wrappedBuffer(scratch, 0, length).writerIndex(0));
    for (int k = 0; k < length; ) {
      if (isZero(scratch, k, unit)) {
        k += unit;
        continue;
      }
      int end = k + unit;
      while (end < length && !isZero(scratch, end, unit)) {
        end += unit;
      }
      destination.write(dstSector + k / sectorSize, zeros.slice(zerosOffset + k, end - k));
      k = end;
    }
  }

  /**
   * The first sector at which {@code a} and {@code b} differ, or empty when they hold the same
   * bytes. When one is longer and the shorter is a prefix of it, the answer is the shorter's
   * sector count.
   *
   * @throws BlockException when the sector sizes differ
   */
  public static OptionalLong compare(Block a, Block b) throws IOException {
    BlockInfo ia = a.info();
    BlockInfo ib = b.info();
    if (ia.sectorSize() != ib.sectorSize()) {
      throw new BlockException("cannot compare " + a + " (" + ia.sectorSize() + "-byte sectors) with " + b
          + " (" + ib.sectorSize() + "-byte sectors)");
    }
    int sectorSize = ia.sectorSize();
    long common = Math.min(ia.sectorCount(), ib.sectorCount());
    int chunkSectors = Math.max(1, CHUNK_BYTES / sectorSize);
    byte[] x = new byte[chunkSectors * sectorSize];
    byte[] y = new byte[chunkSectors * sectorSize];
    for (long sector = 0; sector < common; sector += chunkSectors) {
      int n = (int) Math.min(chunkSectors, common - sector) * sectorSize;
      a.read(sector, Unpooled.wrappedBuffer(x, 0, n).writerIndex(0));
      b.read(sector, Unpooled.wrappedBuffer(y, 0, n).writerIndex(0));
      int at = Arrays.mismatch(x, 0, n, y, 0, n);
      if (at >= 0) {
        return OptionalLong.of(sector + at / sectorSize);
      }
    }
    return ia.sectorCount() == ib.sectorCount() ? OptionalLong.empty() : OptionalLong.of(common);
  }

  private static final byte[] ZEROS = new byte[4096];

  /** Whether {@code length} bytes of {@code b} from {@code offset} are all zero. */
  static boolean isZero(byte[] b, int offset, int length) {
    for (int done = 0; done < length; ) {
      int n = Math.min(ZEROS.length, length - done);
      if (Arrays.mismatch(b, offset + done, offset + done + n, ZEROS, 0, n) >= 0) {
        return false;
      }
      done += n;
    }
    return true;
  }
}
