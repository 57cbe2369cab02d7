package io.morgana.sim;

import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A simulated disk with a volatile write cache: writes land in the cache (reads see them at
 * once), {@link Block#flush()} makes them durable, and a crash ({@link #crash()}) keeps the durable
 * image plus whatever the {@link DiskFaults} let land of the writes not flushed — nothing, by
 * default. The disk outlives the kernel that uses it: each incarnation of the kernel gets its own
 * {@link #attach() handle}, and a crash kills the handle (every later request of the dead
 * incarnation fails), so a restarted kernel sees the disk exactly as the crash left it.
 *
 * <p>Driven by the simulation's one thread.
 */
public final class SimDisk {

  /** A write since the last flush: where, and its bytes. */
  private record Pending(long sector, byte[] data) {}

  /** What a crash did to the writes not flushed: for each, the sectors that landed (0: lost). */
  public record CrashReport(int unsyncedWrites, int landed, int torn, int lost, List<String> details) {}

  private final String name;
  private final int sectorSize;
  private final long sectors;
  private final DiskFaults faults;
  private final RandomGenerator random;
  private byte[] durable;
  private byte[] current;
  private final List<Pending> pending = new ArrayList<>();
  private Handle handle;
  private long writes;
  private long flushes;
  private long writeErrors;
  private final List<CrashReport> crashes = new ArrayList<>();

  SimDisk(String name, int sectorSize, long sectors, DiskFaults faults, RandomGenerator random) {
    if (sectorSize < 512 || Integer.bitCount(sectorSize) != 1 || sectors < 1 || (long) sectorSize * sectors > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a disk of " + sectors + " sectors of " + sectorSize + " bytes");
    }
    this.name = name;
    this.sectorSize = sectorSize;
    this.sectors = sectors;
    this.faults = faults;
    this.random = random;
    this.durable = new byte[(int) (sectorSize * sectors)];
    this.current = durable.clone();
  }

  public String name() {
    return name;
  }

  public BlockInfo info() {
    return new BlockInfo(sectorSize, sectors, true, false);
  }

  /** A new handle for a new incarnation of the kernel; the previous one must have crashed. */
  public Block attach() {
    handle = new Handle();
    return handle;
  }

  /**
   * Power cut: the current handle dies, the writes not flushed land or not as the {@link
   * DiskFaults} decide, and the disk then holds its new durable image.
   */
  public CrashReport crash() {
    if (handle != null) {
      handle.dead = true;
      handle = null;
    }
    int landed = 0;
    int torn = 0;
    int lost = 0;
    List<String> details = new ArrayList<>();
    for (Pending p : pending) {
      int n = p.data.length / sectorSize;
      if (random.nextDouble() < faults.unsyncedLands()) {
        int keep = n;
        if (random.nextDouble() < faults.tornWrites()) {
          keep = random.nextInt(n + 1);
          torn++;
        }
        System.arraycopy(p.data, 0, durable, (int) (p.sector * sectorSize), keep * sectorSize);
        landed++;
        details.add("sector " + p.sector + " +" + n + ": " + keep + " sector(s) landed");
      } else {
        lost++;
        details.add("sector " + p.sector + " +" + n + ": lost");
      }
    }
    CrashReport report = new CrashReport(pending.size(), landed, torn, lost, List.copyOf(details));
    pending.clear();
    current = durable.clone();
    crashes.add(report);
    return report;
  }

  /** The durable image (what a crash now would keep, before faults), a copy. */
  public byte[] durableImage() {
    return durable.clone();
  }

  /** What the running kernel sees (durable plus cached writes), a copy. */
  public byte[] currentImage() {
    return current.clone();
  }

  /** Writes {@code bytes} at {@code sector} durably, before any kernel boots (a disk image). */
  public void load(long sector, byte[] bytes) {
    if (bytes.length % sectorSize != 0 || sector < 0 || sector + bytes.length / sectorSize > sectors) {
      throw new IllegalArgumentException("whole sectors within the disk");
    }
    System.arraycopy(bytes, 0, durable, (int) (sector * sectorSize), bytes.length);
    System.arraycopy(bytes, 0, current, (int) (sector * sectorSize), bytes.length);
  }

  /** Writes not flushed yet. */
  public int unsyncedWrites() {
    return pending.size();
  }

  public List<CrashReport> crashes() {
    return List.copyOf(crashes);
  }

  public String summary() {
    return name + ": " + writes + " writes, " + flushes + " flushes, " + writeErrors + " write errors, "
        + crashes.size() + " crash(es)";
  }

  /** One incarnation's view of the disk: a {@link Block}. */
  private final class Handle implements Block {
    boolean dead;

    private void check(long sector, int length) throws IOException {
      if (dead) {
        throw new BlockException(name + ": power cut");
      }
      if (length % sectorSize != 0 || sector < 0 || sector + length / sectorSize > sectors) {
        throw new BlockException(name + ": " + length + " bytes at sector " + sector + " are not whole sectors on the disk");
      }
    }

    @Override
    public BlockInfo info() {
      return SimDisk.this.info();
    }

    @Override
    public void read(long sector, ByteBuf into) throws IOException {
      int len = into.writableBytes();
      check(sector, len);
      into.writeBytes(current, (int) (sector * sectorSize), len);
    }

    @Override
    public void write(long sector, ByteBuf from) throws IOException {
      int len = from.readableBytes();
      check(sector, len);
      writes++;
      if (faults.writeErrors() > 0 && random.nextDouble() < faults.writeErrors()) {
        writeErrors++;
        throw new BlockException(name + ": write error at sector " + sector + " (injected)");
      }
      byte[] data = new byte[len];
      from.readBytes(data);
      System.arraycopy(data, 0, current, (int) (sector * sectorSize), len);
      pending.add(new Pending(sector, data));
    }

    @Override
    public void flush() throws IOException {
      check(0, 0);
      flushes++;
      for (Pending p : pending) {
        System.arraycopy(p.data, 0, durable, (int) (p.sector * sectorSize), p.data.length);
      }
      pending.clear();
    }

    @Override
    public void discard(long sector, long count) throws IOException {
      check(sector, (int) Math.min(Integer.MAX_VALUE, count * sectorSize));
    }

    @Override
    public void close() {
      // The disk outlives its handles.
    }

    @Override
    public String toString() {
      return "SimDisk[" + name + "]";
    }
  }

  @Override
  public String toString() {
    return "SimDisk[" + name + ", " + sectors + " x " + sectorSize + "]";
  }
}
