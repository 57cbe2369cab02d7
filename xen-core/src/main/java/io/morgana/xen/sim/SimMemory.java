package io.morgana.xen.sim;

import io.morgana.xen.platform.Pages;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The machine memory of a {@link SimHypervisor}: a run of 4096-byte frames, each owned by at most
 * one domain. Frame numbers play the part of machine frame numbers (PV guests grant MFNs), so a
 * grant entry's {@code frame} is an index into this memory. Frame 0 is never handed out: a zeroed
 * grant entry never names a usable page.
 *
 * <p>The frames may be ordinary native memory ({@link #allocate(int)}) or a memory-mapped file
 * that another process also maps ({@link #over(MemorySegment)}): frame {@code f} is then at byte
 * {@code f * 4096} of the file.
 *
 * <p>Threads: any; allocation is synchronized.
 */
public final class SimMemory {

  /** The owner of a free frame. */
  static final int FREE = -1;

  private final MemorySegment memory;
  private final int[] owner;

  private SimMemory(MemorySegment memory) {
    if (memory.byteSize() % Pages.PAGE_SIZE != 0 || memory.byteSize() < 2L * Pages.PAGE_SIZE) {
      throw new IllegalArgumentException(
          "memory must be a multiple of 4096 bytes and hold at least two frames: " + memory.byteSize());
    }
    if (memory.byteSize() / Pages.PAGE_SIZE > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many frames: " + memory.byteSize() / Pages.PAGE_SIZE);
    }
    this.memory = memory;
    this.owner = new int[(int) (memory.byteSize() / Pages.PAGE_SIZE)];
    Arrays.fill(owner, FREE);
    owner[0] = Integer.MAX_VALUE; // reserved
  }

  /** {@code frames} frames of zeroed native memory, freed when unreachable. */
  public static SimMemory allocate(int frames) {
    return new SimMemory(Arena.ofAuto().allocate((long) frames * Pages.PAGE_SIZE, Pages.PAGE_SIZE));
  }

  /**
   * {@code frames} zeroed frames in {@code file} (created or truncated), mapped shared: another
   * process that maps the same file sees frame {@code f} at byte {@code f * 4096}. The mapping
   * lives as long as the returned memory is reachable.
   */
  public static SimMemory mapFile(Path file, int frames) throws IOException {
    long bytes = (long) frames * Pages.PAGE_SIZE;
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.allocate(1), bytes - 1);
      return new SimMemory(channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, Arena.ofAuto()));
    }
  }

  /**
   * Frames over {@code memory} (for example a {@code FileChannel.map} of a file shared with
   * another process), which must be page-aligned in size. The caller zeroes it if needed.
   */
  public static SimMemory over(MemorySegment memory) {
    return new SimMemory(memory);
  }

  /** How many frames, including the reserved frame 0. */
  public int frames() {
    return owner.length;
  }

  /** The whole memory; frame {@code f} starts at byte {@code f * 4096}. */
  public MemorySegment segment() {
    return memory;
  }

  /** Frame {@code frame}, 4096 bytes. */
  public MemorySegment frame(long frame) {
    return memory.asSlice(checkFrame(frame) * Pages.PAGE_SIZE, Pages.PAGE_SIZE);
  }

  /** {@code count} frames from {@code first}, contiguous. */
  MemorySegment frames(long first, int count) {
    checkFrame(first);
    checkFrame(first + count - 1);
    return memory.asSlice(first * Pages.PAGE_SIZE, (long) count * Pages.PAGE_SIZE);
  }

  /** The domid owning {@code frame}, or {@code -1} if free or outside this memory. */
  public synchronized int owner(long frame) {
    if (frame <= 0 || frame >= owner.length) {
      return FREE;
    }
    return owner[(int) frame];
  }

  /** Allocates {@code count} contiguous zeroed frames to {@code domid}; returns the first. */
  synchronized long allocate(int domid, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    int run = 0;
    for (int f = 1; f < owner.length; f++) {
      run = owner[f] == FREE ? run + 1 : 0;
      if (run == count) {
        int first = f - count + 1;
        Arrays.fill(owner, first, f + 1, domid);
        frames(first, count).fill((byte) 0);
        return first;
      }
    }
    throw new OutOfMemoryError(
        "simulated machine memory has no run of " + count + " free frames (" + owner.length + " frames)");
  }

  /** Gives {@code count} frames from {@code first} back; they must belong to {@code domid}. */
  synchronized void free(int domid, long first, int count) {
    for (long f = first; f < first + count; f++) {
      if (owner((int) f) != domid) {
        throw new IllegalStateException("frame " + f + " does not belong to domain " + domid);
      }
    }
    Arrays.fill(owner, (int) first, (int) first + count, FREE);
  }

  private long checkFrame(long frame) {
    if (frame < 0 || frame >= owner.length) {
      throw new IndexOutOfBoundsException("frame " + frame + " outside " + owner.length + " frames");
    }
    return frame;
  }
}
