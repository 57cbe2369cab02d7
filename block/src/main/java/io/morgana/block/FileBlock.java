package io.morgana.block;

import io.morgana.runtime.LoopBridge;
import io.morgana.api.Block;
import io.morgana.api.BlockException;
import io.morgana.api.BlockInfo;
import io.morgana.block.internal.HolePuncher;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * A disk backed by a file or a block device, read and written with positional I/O ({@link
 * FileChannel#read(ByteBuffer, long)}/{@link FileChannel#write(ByteBuffer, long)}), each request
 * looped until every byte has moved.
 *
 * <p><b>Lock:</b> opening takes a lock on the whole file ({@link FileChannel#tryLock}: an
 * exclusive {@code fcntl} lock for read-write, a shared one for read-only), so two kernels never
 * open one image: a second read-write open, from another process or from the same JVM, fails
 * with a {@link BlockException} naming the file. Within one JVM even two read-only opens of the
 * same file conflict (the JDK refuses overlapping locks in one process). The lock is released by
 * {@link #close()}.
 *
 * <p><b>Size:</b> the device has {@code size / sectorSize} sectors, fixed at open; a trailing
 * partial sector is not addressable. A file that shrinks while open makes reads past its new end
 * fail with a {@link BlockException}, never return short.
 *
 * <p><b>Durability</b> follows the {@link DiskSync} mode.
 *
 * <p><b>Discard</b> (read-write devices) punches a hole ({@code fallocate(2)} with {@code
 * FALLOC_FL_PUNCH_HOLE}, bound through FFM on the first discard only): in a sparse file the range
 * gives its space back, on a block device the kernel discards or zeroes it. Where that is not
 * possible (a file system without hole punching, native access refused) it writes zeros instead.
 * Either way the discarded sectors then read as zeros — a stronger promise than {@link
 * Block#discard}'s.
 *
 * <p>Thread-safe: positional I/O does not share a file position.
 */
public final class FileBlock implements Block {

  /** The logger, initialised on first use only: slf4j's start-up costs a short-lived tool ~50 ms. */
  private static final class Log {
    static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileBlock.class);
  }

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;
  private final BlockInfo info;
  private final DiskSync sync;
  private final HolePuncher holes;
  private volatile boolean punchHoles = true;
  private volatile boolean closed;

  private FileBlock(Path path, FileChannel channel, FileLock lock, BlockInfo info, DiskSync sync) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.info = info;
    this.sync = sync;
    this.holes = new HolePuncher(path);
  }

  /** Opens an existing file or device read-write, 512-byte sectors, {@link DiskSync#FLUSH}. */
  public static FileBlock open(Path path) throws BlockException {
    return options().open(path);
  }

  /** Opens an existing file or device read-only, 512-byte sectors. */
  public static FileBlock openReadOnly(Path path) throws BlockException {
    return options().readOnly(true).open(path);
  }

  /**
   * Creates a new sparse file of {@code sizeBytes} bytes and opens it read-write; fails if the
   * file exists.
   */
  public static FileBlock create(Path path, long sizeBytes) throws BlockException {
    return options().create(sizeBytes).open(path);
  }

  /** Options for {@link Options#open(Path)}; defaults: 512-byte sectors, read-write, flush. */
  public static Options options() {
    return new Options();
  }

  /** How to open a {@link FileBlock}. Mutable; each setter returns {@code this}. */
  public static final class Options {
    private int sectorSize = RamBlock.DEFAULT_SECTOR_SIZE;
    private boolean readOnly;
    private DiskSync sync = DiskSync.FLUSH;
    private long createSize = -1;
    private boolean replaceExisting;

    private Options() {}

    /** Bytes per sector, a power of two >= 512; the file size need not be a multiple. */
    public Options sectorSize(int bytes) {
      new BlockInfo(bytes, 0, false, false); // validates
      this.sectorSize = bytes;
      return this;
    }

    /** Opens the file read-only: writes fail, the lock is shared. */
    public Options readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /** The durability mode; see {@link DiskSync}. */
    public Options sync(DiskSync sync) {
      this.sync = java.util.Objects.requireNonNull(sync, "sync");
      return this;
    }

    /**
     * Creates the file with this size (sparse: nothing is written but the last byte) instead of
     * opening an existing one. The open fails if the file exists, unless {@link
     * #replaceExisting(boolean)}.
     */
    public Options create(long sizeBytes) {
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("size must be >= 0, got " + sizeBytes);
      }
      this.createSize = sizeBytes;
      return this;
    }

    /** With {@link #create(long)}: truncate and resize an existing file instead of failing. */
    public Options replaceExisting(boolean replace) {
      this.replaceExisting = replace;
      return this;
    }

    /**
     * Opens (or creates) {@code path}, takes its lock and reads its size.
     *
     * @throws BlockException naming the file when it is missing, exists (when creating), is
     *     locked by another kernel, or cannot be opened
     */
    public FileBlock open(Path path) throws BlockException {
      if (createSize >= 0 && readOnly) {
        throw new BlockException("cannot create " + path + " read-only");
      }
      Set<OpenOption> opts = new java.util.HashSet<>();
      opts.add(StandardOpenOption.READ);
      if (!readOnly) {
        opts.add(StandardOpenOption.WRITE);
        if (sync == DiskSync.DSYNC) {
          opts.add(StandardOpenOption.DSYNC);
        }
      }
      if (createSize >= 0) {
        opts.add(replaceExisting ? StandardOpenOption.CREATE : StandardOpenOption.CREATE_NEW);
      }
      FileChannel ch;
      try {
        ch = FileChannel.open(path, opts);
      } catch (NoSuchFileException e) {
        throw new BlockException("cannot open disk " + path + ": no such file", e);
      } catch (FileAlreadyExistsException e) {
        throw new BlockException("cannot create disk " + path + ": the file already exists", e);
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        throw new BlockException("cannot open disk " + path + ": " + e, e);
      }
      try {
        FileLock lock = lock(path, ch, readOnly);
        try {
          if (createSize >= 0) {
            ch.truncate(0);
            if (createSize > 0) {
              ch.write(ByteBuffer.allocate(1), createSize - 1);
            }
          }
          long size = ch.size();
          BlockInfo info = new BlockInfo(sectorSize, size / sectorSize, !readOnly, !readOnly);
          return new FileBlock(path, ch, lock, info, sync);
        } catch (IOException e) {
          lock.release();
          throw new BlockException("cannot open disk " + path + ": " + e, e);
        }
      } catch (IOException | RuntimeException e) {
        try {
          ch.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (e instanceof BlockException be) {
          throw be;
        }
        throw new BlockException("cannot open disk " + path + ": " + e, e);
      }
    }
  }

  private static FileLock lock(Path path, FileChannel ch, boolean shared) throws BlockException {
    FileLock lock;
    try {
      lock = ch.tryLock(0, Long.MAX_VALUE, shared);
    } catch (OverlappingFileLockException e) {
      throw new BlockException(
          "cannot open disk " + path + ": it is already open in this JVM (another kernel or device holds its lock)", e);
    } catch (IOException e) {
      throw new BlockException("cannot open disk " + path + ": locking it failed: " + e, e);
    }
    if (lock == null) {
      throw new BlockException(
          "cannot open disk " + path + ": it is locked by another process (another kernel has it open)");
    }
    return lock;
  }

  /** The file or device this disk reads and writes. */
  public Path path() {
    return path;
  }

  /** The durability mode it was opened with. */
  public DiskSync sync() {
    return sync;
  }

  @Override
  public BlockInfo info() {
    return info;
  }

  @Override
  public void read(long sector, ByteBuf into) throws BlockException {
    LoopBridge.checkBlockingAllowed("Block.read");
    Requests.checkOpen(this, closed, "read");
    int length = into.writableBytes();
    Requests.check(this, info, "read", sector, length);
    long pos = sector * info.sectorSize();
    int start = into.writerIndex();
    int done = 0;
    try {
      while (done < length) {
        int n = into.setBytes(start + done, channel, pos + done, length - done);
        if (n < 0) {
          Requests.checkOpen(this, closed, "read");
          throw new BlockException(
              "read of " + (length / info.sectorSize()) + " sectors at sector " + sector + " on " + this
                  + " hit the end of the file at byte " + (pos + done) + " (did the file shrink?)");
        }
        done += n;
      }
    } catch (ClosedChannelException e) {
      throw new BlockException("read at sector " + sector + " on " + this + " refused: the device is closed", e);
    } catch (BlockException e) {
      throw e;
    } catch (IOException e) {
      throw new BlockException("read of " + (length / info.sectorSize()) + " sectors at sector " + sector + " on " + this + " failed: " + e, e);
    }
    into.writerIndex(start + length);
  }

  @Override
  public void write(long sector, ByteBuf from) throws BlockException {
    LoopBridge.checkBlockingAllowed("Block.write");
    Requests.checkOpen(this, closed, "write");
    Requests.checkWritable(this, info, "write", sector);
    int length = from.readableBytes();
    Requests.check(this, info, "write", sector, length);
    long pos = sector * info.sectorSize();
    int start = from.readerIndex();
    int done = 0;
    try {
      while (done < length) {
        done += from.getBytes(start + done, channel, pos + done, length - done);
      }
    } catch (ClosedChannelException e) {
      throw new BlockException("write at sector " + sector + " on " + this + " refused: the device is closed", e);
    } catch (IOException e) {
      throw new BlockException("write of " + (length / info.sectorSize()) + " sectors at sector " + sector + " on " + this + " failed: " + e, e);
    }
    from.readerIndex(start + length);
  }

  @Override
  public void flush() throws BlockException {
    LoopBridge.checkBlockingAllowed("Block.flush");
    Requests.checkOpen(this, closed, "flush");
    if (sync == DiskSync.NONE || !info.readWrite()) {
      return;
    }
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new BlockException("flush of " + this + " failed: " + e, e);
    }
  }

  @Override
  public void discard(long sector, long count) throws BlockException {
    LoopBridge.checkBlockingAllowed("Block.discard");
    Requests.checkOpen(this, closed, "discard");
    Requests.checkWritable(this, info, "discard", sector);
    Requests.checkRange(this, info, "discard", sector, count);
    if (count == 0) {
      return;
    }
    long pos = sector * info.sectorSize();
    long length = count * info.sectorSize();
    try {
      if (punchHoles) {
        try {
          holes.punch(pos, length);
          if (sync == DiskSync.DSYNC) {
            channel.force(false);
          }
          return;
        } catch (IOException e) {
          Requests.checkOpen(this, closed, "discard");
          punchHoles = false;
          Log.LOG.debug("{}: cannot punch holes ({}); discard writes zeros from now on", this, e.getMessage());
        }
      }
      ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, 1 << 20));
      for (long done = 0; done < length; ) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), length - done));
        done += channel.write(zeros, pos + done);
      }
    } catch (ClosedChannelException e) {
      throw new BlockException("discard at sector " + sector + " on " + this + " refused: the device is closed", e);
    } catch (IOException e) {
      throw new BlockException("discard of " + count + " sectors at sector " + sector + " on " + this + " failed: " + e, e);
    }
  }

  /** Whether discards punch holes (true until the first attempt fails; then zeros are written). */
  boolean punchesHoles() {
    return punchHoles;
  }

  /** For tests: make discard write zeros as on a file system without hole punching. */
  void disableHolePunching() {
    punchHoles = false;
  }

  @Override
  public synchronized void close() throws BlockException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      try {
        holes.close();
        if (lock.isValid()) {
          lock.release();
        }
      } finally {
        channel.close();
      }
    } catch (IOException e) {
      throw new BlockException("closing " + this + " failed: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "disk " + path;
  }
}
