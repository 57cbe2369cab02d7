package io.morgana.testkit;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link Block} that passes requests to a real one (the "disk") and injects write faults, for
 * testing what a file system leaves behind when the disk misbehaves or the power goes.
 *
 * <p>Writes are numbered from 1 in the order they reach this wrapper; every call to {@link
 * #write} counts, including refused and failing ones. The faults:
 *
 * <ul>
 *   <li>{@link #failWrite(long) failWrite(n)}: write {@code n} throws a {@link BlockException} and
 *       nothing of it reaches the disk; later writes go through.
 *   <li>{@link #tearWrite(long, int) tearWrite(n, k)}: of write {@code n}, only the first {@code k}
 *       sectors reach the disk (all of them when the write is shorter), then it throws; later
 *       writes go through. A torn write in the middle of a sector cannot happen: disks write
 *       whole sectors.
 *   <li>{@link #powerCutAfterWrite(long) powerCutAfterWrite(n)}: writes 1..n reach the disk (write
 *       {@code n} torn or failed if also configured so), and then the power is off: <b>nothing
 *       after it reaches the disk</b>. Every later write, flush and discard is refused with a
 *       {@link BlockException} saying "power cut" (or, with {@link AfterCut#SILENTLY_LOST}, is
 *       dropped and reported as successful, as a disk cache that dies would). {@code n = 0} cuts
 *       before the first write.
 * </ul>
 *
 * Reads are always served from the disk, before and after a cut, so they show the surviving
 * image; so does {@link #disk()}. Requests are checked (length a whole number of sectors, range
 * on the disk) before they are counted as faults, exactly as the disk would check them.
 *
 * <p>Thread-safe: requests are serialised, so the write numbering is well defined.
 */
public final class FaultInjectingBlock implements Block {

  /** What happens to writes, flushes and discards after a power cut. */
  public enum AfterCut {
    /** They throw {@link BlockException} ("power cut"), so the code under test stops. */
    REFUSED,
    /** They return normally and do nothing, so the code under test does not notice. */
    SILENTLY_LOST
  }

  private final Block disk;
  private long failAt = -1;
  private long tearAt = -1;
  private int tearSectors;
  private long cutAfter = -1;
  private AfterCut afterCut = AfterCut.REFUSED;
  private long writes;
  private long flushes;
  private long lostRequests;
  private boolean cut;

  /** Wraps {@code disk}; no faults until configured. Closing this closes the disk. */
  public FaultInjectingBlock(Block disk) {
    this.disk = Objects.requireNonNull(disk, "disk");
  }

  /** Write number {@code n} (1-based) fails whole: nothing of it lands. */
  public synchronized FaultInjectingBlock failWrite(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("write numbers start at 1, got " + n);
    }
    failAt = n;
    return this;
  }

  /** Write number {@code n} (1-based) lands only its first {@code sectorsLanded} sectors, then fails. */
  public synchronized FaultInjectingBlock tearWrite(long n, int sectorsLanded) {
    if (n < 1 || sectorsLanded < 0) {
      throw new IllegalArgumentException("tearWrite(" + n + ", " + sectorsLanded + "): n >= 1, sectors >= 0");
    }
    tearAt = n;
    tearSectors = sectorsLanded;
    return this;
  }

  /** The power goes after write {@code n} (0: before the first); later writes, flushes and discards are refused. */
  public FaultInjectingBlock powerCutAfterWrite(long n) {
    return powerCutAfterWrite(n, AfterCut.REFUSED);
  }

  /** The power goes after write {@code n} (0: before the first); later writes, flushes and discards do {@code after}. */
  public synchronized FaultInjectingBlock powerCutAfterWrite(long n, AfterCut after) {
    if (n < 0) {
      throw new IllegalArgumentException("power cut after write " + n + ": must be >= 0");
    }
    cutAfter = n;
    afterCut = Objects.requireNonNull(after, "after");
    cut = n == 0 || writes >= n;
    return this;
  }

  /** The device underneath: after a cut, the image as it survived. */
  public Block disk() {
    return disk;
  }

  /** Write calls received so far, including failed and refused ones. */
  public synchronized long writes() {
    return writes;
  }

  /** Flush calls received so far. */
  public synchronized long flushes() {
    return flushes;
  }

  /** Writes, flushes and discards that a power cut refused or dropped. */
  public synchronized long lostRequests() {
    return lostRequests;
  }

  /** Whether the power has been cut. */
  public synchronized boolean isPowerCut() {
    return cut;
  }

  @Override
  public BlockInfo info() {
    return disk.info();
  }

  @Override
  public synchronized void read(long sector, ByteBuf into) throws IOException {
    disk.read(sector, into);
  }

  @Override
  public synchronized void write(long sector, ByteBuf from) throws IOException {
    BlockInfo info = disk.info();
    int length = from.readableBytes();
    check(info, "write", sector, length);
    long n = ++writes;
    if (cut) {
      lost("write " + n + " (" + length / info.sectorSize() + " sectors at sector " + sector + ")");
      from.skipBytes(length);
      return;
    }
    try {
      if (n == failAt) {
        throw new BlockException("injected failure of write " + n + " (" + length / info.sectorSize() + " sectors at sector "
            + sector + " on " + disk + "): nothing written");
      }
      if (n == tearAt) {
        long landed = Math.min(tearSectors, length / info.sectorSize());
        int bytes = (int) (landed * info.sectorSize());
        if (bytes > 0) {
          disk.write(sector, from.slice(from.readerIndex(), bytes));
        }
        throw new BlockException("injected torn write " + n + " (" + length / info.sectorSize() + " sectors at sector "
            + sector + " on " + disk + "): only the first " + landed + " landed");
      }
      disk.write(sector, from);
    } finally {
      if (n == cutAfter) {
        cut = true;
      }
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    flushes++;
    if (cut) {
      lost("flush " + flushes);
      return;
    }
    disk.flush();
  }

  @Override
  public synchronized void discard(long sector, long count) throws IOException {
    BlockInfo info = disk.info();
    if (count < 0 || sector < 0 || sector > info.sectorCount() || count > info.sectorCount() - sector) {
      throw new BlockException("discard of " + count + " sectors at sector " + sector + " on " + this
          + " is out of range: the device has " + info.sectorCount() + " sectors of " + info.sectorSize() + " bytes");
    }
    if (cut) {
      lost("discard of " + count + " sectors at sector " + sector);
      return;
    }
    disk.discard(sector, count);
  }

  @Override
  public void close() throws IOException {
    disk.close();
  }

  @Override
  public String toString() {
    return "fault-injecting " + disk;
  }

  private void lost(String what) throws BlockException {
    lostRequests++;
    if (afterCut == AfterCut.REFUSED) {
      throw new BlockException(what + " on " + disk + " refused: power cut after write " + cutAfter);
    }
  }

  private void check(BlockInfo info, String op, long sector, long lengthBytes) throws BlockException {
    int sectorSize = info.sectorSize();
    if (lengthBytes % sectorSize != 0) {
      throw new BlockException(op + " of " + lengthBytes + " bytes at sector " + sector + " on " + this
          + ": length is not a whole number of " + sectorSize + "-byte sectors");
    }
    long count = lengthBytes / sectorSize;
    if (sector < 0 || sector > info.sectorCount() || count > info.sectorCount() - sector) {
      throw new BlockException(op + " of " + count + " sectors at sector " + sector + " on " + this
          + " is out of range: the device has " + info.sectorCount() + " sectors of " + sectorSize + " bytes");
    }
  }
}
