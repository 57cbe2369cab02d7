package io.morgana.fs.fat;

import io.morgana.api.Block;
import io.morgana.fs.fat.internal.ClusterIo;
import io.morgana.fs.fat.internal.FatTable;
import io.morgana.fs.fat.internal.SectorCache;
import io.morgana.fs.fat.internal.Volume;
import io.morgana.fs.fat.internal.WriteBack;
import io.morgana.fs.fat.wire.BiosParameterBlock;
import io.morgana.fs.fat.wire.FatFormatException;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A FAT12, FAT16 or FAT32 file system with VFAT long names over a {@link Block} (Microsoft
 * "FAT: General Overview of On-Disk Format" 1.03, "fatgen103").
 *
 * <p>Paths use {@code /} and are case-insensitive on long and short names; the root is {@code
 * ""} or {@code "/"}. Failures are {@link IOException}s from {@code java.nio.file} where one fits
 * ({@link NoSuchFileException}, {@link FileAlreadyExistsException}, {@link
 * DirectoryNotEmptyException}, {@link NotDirectoryException}), {@link FatDiskFullException} when
 * space runs out (the operation then had no effect) and {@link FatFormatException} for damaged
 * on-disk data (chains that loop, leave the volume or are shorter than their file).
 *
 * <p><b>Write ordering</b> (what a power cut can leave behind): new data and new directory
 * clusters are written first, then every FAT copy, then the directory entry that makes them
 * reachable, then the FSInfo sector; when space is freed the directory entry goes first and the
 * FAT after it. A file opened for writing works on its own copy of the chain (copy-on-write) and
 * publishes it with one directory-entry write on {@link FatFile#flush()} or {@link
 * FatFile#close()}. Write-back is lazy: operations only mark sectors dirty, and everything
 * dirty is written in the order above (a batch of files costs one FAT write) at {@link #flush()},
 * {@link #close()}, {@link FatFile#flush()}, when the cache needs room, and before any cluster is
 * freed. A power cut therefore leaves at worst lost clusters — never a cross-linked
 * chain, and never an entry that points at clusters whose content was not written — and each file
 * holds its old or its new content. (Renames remove the old entry before writing the new one: a
 * cut between the two loses the name, as lost clusters.)
 *
 * <p><b>Parts</b> (this class is their facade and holds the lock): {@link ClusterIo} moves file
 * and directory bytes over cluster chains in extents; {@link WriteBack} keeps the write-back
 * order above; {@link Namespace} walks paths and caches loaded directories; {@link Entries}
 * changes directory entries; {@link FatFile} keeps an open file's copy-on-write chain.
 *
 * <p><b>Threads:</b> every method is synchronized; calls block on the device, so use application
 * threads, never a kernel loop thread. Times come from the {@link Clock} given to {@link #open}.
 */
public final class FatFileSystem implements AutoCloseable {

  /**
   * Mount options.
   *
   * @param clock wall clock for timestamps; its zone is the local time FAT stores
   * @param cacheSectors capacity of the sector cache, in file-system sectors
   */
  public record Options(Clock clock, int cacheSectors) {
    public static Options defaults() {
      return new Options(Clock.systemDefaultZone(), 4096);
    }

    public Options withClock(Clock c) {
      return new Options(c, cacheSectors);
    }

    public Options withCacheSectors(int n) {
      return new Options(clock, n);
    }
  }

  /** Largest file FAT can describe: 4 GiB − 1. */
  public static final long MAX_FILE_SIZE = 0xFFFFFFFFL;

  /**
   * The next step {@link #open} names when a device holds no FAT volume (a new, zeroed image):
   * format it.
   */
  static final String FORMAT_HINT = "to format it (erasing what it holds), run: fat mkfs IMAGE SIZE"
      + " (e.g. fs-fat/fat mkfs disk.img 64M), or call FatFileSystem.format(block, FormatOptions.defaults())";

  private final Volume volume;
  private final BiosParameterBlock bpb;
  private final FatTable fat;
  private final Clock clock;
  private final FatType type;
  private final ClusterIo io;
  private final WriteBack order;
  private final Namespace names;
  private final Entries entries;
  private final List<FatFile> openFiles = new ArrayList<>();
  private boolean closed;

  private FatFileSystem(Volume volume, BiosParameterBlock bpb, FatTable fat, Options options) {
    this.volume = volume;
    this.bpb = bpb;
    this.fat = fat;
    this.clock = options.clock();
    this.type = FatType.ofBits(bpb.fatBits());
    SectorCache cache = new SectorCache(volume, options.cacheSectors());
    this.io = new ClusterIo(volume, cache, bpb);
    this.order = new WriteBack(volume, cache, fat, bpb);
    this.names = new Namespace(bpb, fat, cache, io);
    this.entries = new Entries(names, fat, io, cache, order, clock);
  }

  /** Mounts the FAT volume on {@code block} with the system clock and a 4096-sector cache. */
  public static FatFileSystem open(Block block) throws IOException {
    return open(block, Options.defaults());
  }

  /**
   * Mounts the FAT volume on {@code block}: parses the boot sector (fatgen103 §3), reads the
   * first FAT (§4) into memory and loads the root directory.
   *
   * @throws FatFormatException when the block holds no FAT volume or an impossible geometry
   */
  public static FatFileSystem open(Block block, Options options) throws IOException {
    int devSector = block.info().sectorSize();
    if (block.info().sectorCount() == 0) {
      throw new FatFormatException("not a FAT volume: the device is empty; " + FORMAT_HINT);
    }
    byte[] first = new byte[devSector];
    block.read(0, Unpooled.wrappedBuffer(first).clear());
    BiosParameterBlock bpb;
    try {
      bpb = BiosParameterBlock.parse(Unpooled.wrappedBuffer(first), 0, block.info().sizeBytes());
    } catch (FatFormatException e) {
      throw new FatFormatException(e.getMessage() + "; " + FORMAT_HINT);
    }
    if (bpb.bytesPerSector() < devSector) {
      throw new FatFormatException("FAT sectors of " + bpb.bytesPerSector()
          + " bytes are smaller than the device's " + devSector);
    }
    Volume volume = new Volume(block, bpb.bytesPerSector());
    long clusters = bpb.clusterCount();
    long needBytes = ((clusters + 2) * bpb.fatBits() + 7) / 8;
    long needSectors = (needBytes + bpb.bytesPerSector() - 1) / bpb.bytesPerSector();
    needSectors = Math.min(needSectors, bpb.fatSectors());
    if (needSectors * bpb.bytesPerSector() > Integer.MAX_VALUE - 16) {
      throw new FatFormatException("FAT of " + needSectors + " sectors is too large to hold");
    }
    byte[] fatBytes = new byte[(int) (needSectors * bpb.bytesPerSector()) + 4];
    volume.read(bpb.fatStart(), fatBytes, 0, (int) needSectors);
    FatTable fat = new FatTable(fatBytes, bpb.fatBits(), bpb.bytesPerSector(), clusters);
    FatFileSystem fs = new FatFileSystem(volume, bpb, fat, options);
    fs.order.readFsInfo();
    fs.names.root();
    return fs;
  }

  /** Writes a new, empty FAT volume on {@code block} (see {@link FormatOptions}). */
  public static void format(Block block, FormatOptions options) throws IOException {
    Formatter.format(block, options, Clock.systemDefaultZone());
  }

  /** As {@link #format(Block, FormatOptions)}, timestamps (and a default serial) from {@code clock}. */
  public static void format(Block block, FormatOptions options, Clock clock) throws IOException {
    Formatter.format(block, options, clock);
  }

  public synchronized FatType type() { return type; }
  public synchronized int clusterSize() { return io.clusterBytes(); }
  public synchronized long clusterCount() { return fat.clusterCount(); }
  public synchronized long totalBytes() { return fat.clusterCount() * io.clusterBytes(); }
  public synchronized long freeBytes() { return fat.freeCount() * io.clusterBytes(); }
  public synchronized long freeClusters() { return fat.freeCount(); }
  public synchronized String label() { return bpb.label(); }
  public synchronized long volumeId() { return bpb.volumeId(); }
  /** The parsed boot sector. */
  public synchronized BiosParameterBlock bootSector() { return bpb; }

  /** The device the volume is on (tests, the checker). */
  Block block() {
    return volume.block();
  }

  Clock clock() {
    return clock;
  }

  // ---------------------------------------------------------------- state, open files

  boolean isClosed() {
    return closed;
  }

  void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("file system is closed");
    }
  }

  void opened(FatFile f) {
    openFiles.add(f);
  }

  void closed(FatFile f) {
    openFiles.remove(f);
  }

  /** Writes every pending change to the device and flushes it. */
  public synchronized void flush() throws IOException {
    checkOpen();
    order.syncAndFlush();
  }

  /** Flushes; open files are committed first. Does not close the block. Idempotent. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    for (FatFile f : new ArrayList<>(openFiles)) {
      f.close();
    }
    order.syncAndFlush();
    closed = true;
  }

  // ---------------------------------------------------------------- queries

  /** The entries of directory {@code path}, sorted by name. */
  public synchronized List<FatEntry> list(String path) throws IOException {
    checkOpen();
    Dir d = names.dir(path);
    List<FatEntry> out = new ArrayList<>(d.nodes().size());
    for (Node n : d.nodes()) {
      out.add(n.toFatEntry());
    }
    out.sort(Comparator.comparing(FatEntry::name));
    return out;
  }

  /** What the directory says about {@code path}. */
  public synchronized FatEntry stat(String path) throws IOException {
    checkOpen();
    return names.need(path).toFatEntry();
  }

  /** Whether {@code path} names a file or directory (the root always exists). */
  public synchronized boolean exists(String path) throws IOException {
    checkOpen();
    if (Namespace.isRoot(path)) {
      return true;
    }
    try {
      return names.lookup(path) != null;
    } catch (NoSuchFileException | NotDirectoryException e) {
      return false;
    }
  }

  /** Whether {@code path} is a directory (the root is). */
  public synchronized boolean isDirectory(String path) throws IOException {
    if (Namespace.isRoot(path)) {
      return true;
    }
    try {
      Node n = names.lookup(path);
      return n != null && n.isDirectory();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- creating entries

  /** Creates directory {@code path}; its parent must exist. */
  public synchronized void mkdir(String path) throws IOException {
    checkOpen();
    entries.mkdir(path);
  }

  /** Creates {@code path} and any missing parents; an existing directory is fine. */
  public synchronized void mkdirs(String path) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String p : Namespace.split(path)) {
      sb.append('/').append(p);
      Node n = names.lookup(sb.toString());
      if (n == null) {
        mkdir(sb.toString());
      } else if (!n.isDirectory()) {
        throw new NotDirectoryException(sb.toString());
      }
    }
  }

  /** Creates an empty file and opens it for reading and writing. */
  public synchronized FatFile create(String path) throws IOException {
    checkOpen();
    return openNode(entries.createFile(path), path);
  }

  /** Opens an existing file for reading and writing. */
  public synchronized FatFile open(String path) throws IOException {
    checkOpen();
    Node n = names.need(path);
    if (n.isDirectory()) {
      throw new FileSystemException(path, null, "is a directory");
    }
    return openNode(n, path);
  }

  private FatFile openNode(Node n, String path) throws IOException {
    return new FatFile(this, fat, io, order, entries, n, path);
  }

  /** Opens {@code path}, creating it empty when missing. */
  public synchronized FatFile openOrCreate(String path) throws IOException {
    return names.lookup(path) == null ? create(path) : open(path);
  }

  /** The whole content of file {@code path}. */
  public synchronized byte[] readAllBytes(String path) throws IOException {
    try (FatFile f = open(path)) {
      if (f.size() > Integer.MAX_VALUE - 16) {
        throw new FileSystemException(path, null, "too large for one array");
      }
      byte[] b = new byte[(int) f.size()];
      int n = f.read(0, b, 0, b.length);
      if (n != b.length) {
        throw new IOException("short read of " + path);
      }
      return b;
    }
  }

  /**
   * Creates or replaces file {@code path} with {@code data}: after a power cut the file holds its
   * old or its new content.
   */
  public synchronized void write(String path, byte[] data) throws IOException {
    boolean created = names.lookup(path) == null;
    FatFile f = created ? create(path) : open(path);
    try {
      f.truncate(0);
      f.preallocate(data.length);
      f.write(0, data, 0, data.length);
      f.close();
    } catch (IOException | RuntimeException e) {
      f.discard();
      if (created) {
        try {
          delete(path);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** Sets the size of file {@code path}, cutting or zero-filling. */
  public synchronized void truncate(String path, long size) throws IOException {
    try (FatFile f = open(path)) {
      f.truncate(size);
    }
  }

  /** Sets the attribute bits read-only, hidden, system and archive of {@code path}. */
  public synchronized void setAttributes(String path, int attributes) throws IOException {
    checkOpen();
    entries.setAttributes(names.need(path), attributes);
  }

  // ---------------------------------------------------------------- removing and moving

  /** Deletes file {@code path} (directories: {@link #rmdir}). */
  public synchronized void delete(String path) throws IOException {
    checkOpen();
    Node n = names.need(path);
    if (n.isDirectory()) {
      throw new FileSystemException(path, null, "is a directory (use rmdir)");
    }
    entries.remove(path, n);
  }

  /** Removes empty directory {@code path}. */
  public synchronized void rmdir(String path) throws IOException {
    checkOpen();
    Node n = names.need(path);
    if (!n.isDirectory()) {
      throw new NotDirectoryException(path);
    }
    entries.remove(path, n);
  }

  /** Removes {@code path}: a file, or a directory with everything below it. */
  public synchronized void deleteRecursively(String path) throws IOException {
    checkOpen();
    Node n = names.need(path);
    if (n.isDirectory()) {
      for (Node child : new ArrayList<>(names.dirOf(n).nodes())) {
        deleteRecursively(path + "/" + child.name());
      }
      rmdir(path);
    } else {
      delete(path);
    }
  }

  /**
   * Renames or moves {@code from} to {@code to} (whose parent must exist and which must not
   * exist, except as {@code from} itself with another case). A directory cannot move below
   * itself.
   */
  public synchronized void rename(String from, String to) throws IOException {
    checkOpen();
    entries.rename(from, to);
  }
}
