package io.morgana.fs.fat;

import io.morgana.api.Block;
import io.morgana.fs.fat.internal.FatTable;
import io.morgana.fs.fat.internal.SectorCache;
import io.morgana.fs.fat.internal.Volume;
import io.morgana.fs.fat.wire.BiosParameterBlock;
import io.morgana.fs.fat.wire.DirectoryEntry;
import io.morgana.fs.fat.wire.FatFormatException;
import io.morgana.fs.fat.wire.FsInfo;
import io.morgana.fs.fat.wire.LongNameSlot;
import io.morgana.fs.fat.wire.ShortEntry;
import io.morgana.fs.fat.wire.ShortNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private static final int MAX_DIR_SLOTS = 65536;
  private static final int MAX_DIR_CACHE = 1024;

  final Volume volume;
  final BiosParameterBlock bpb;
  final FatTable fat;
  final SectorCache cache;
  final Clock clock;
  final int clusterBytes;
  final int sectorSize;
  final int sectorsPerCluster;
  final long dataStart;
  private final FatType type;
  private final Map<Long, Dir> dirs = new LinkedHashMap<>(16, 0.75f, true);
  /** Bounce buffer for small data runs that end in a partial sector (see readData/writeData). */
  private final byte[] scratch = new byte[64 * 1024];
  private long fsInfoFree = -1;
  private long fsInfoNext = -1;
  private boolean closed;

  private FatFileSystem(Volume volume, BiosParameterBlock bpb, FatTable fat, Options options) {
    this.volume = volume;
    this.bpb = bpb;
    this.fat = fat;
    this.clock = options.clock();
    this.cache = new SectorCache(volume, options.cacheSectors());
    this.cache.setFlusher(new SectorCache.Flusher() {
      @Override
      public void flushAll() throws IOException {
        sync();
      }

      @Override
      public boolean canFlush() {
        return dirUpdates == 0;
      }
    });
    this.sectorSize = bpb.bytesPerSector();
    this.sectorsPerCluster = bpb.sectorsPerCluster();
    this.clusterBytes = bpb.clusterBytes();
    this.dataStart = bpb.dataStart();
    this.type = FatType.ofBits(bpb.fatBits());
  }

  /** Mounts the FAT volume on {@code block} with the system clock and a 4096-sector cache. */
  public static FatFileSystem open(Block block) throws IOException {
    return open(block, Options.defaults());
  }

  /**
   * Mounts the FAT volume on {@code block}.
   *
   * @throws FatFormatException when the block holds no FAT volume or an impossible geometry
   */
  public static FatFileSystem open(Block block, Options options) throws IOException {
    int devSector = block.info().sectorSize();
    if (block.info().sectorCount() == 0) {
      throw new FatFormatException("not a FAT volume: the device is empty");
    }
    byte[] first = new byte[devSector];
    block.read(0, Unpooled.wrappedBuffer(first).clear());
    BiosParameterBlock bpb = BiosParameterBlock.parse(Unpooled.wrappedBuffer(first), 0,
        block.info().sizeBytes());
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
    if (bpb.fat32() && bpb.fsInfoSector() != 0) {
      try {
        FsInfo info = FsInfo.parse(Unpooled.wrappedBuffer(fs.cache.get(bpb.fsInfoSector())), 0);
        fs.fsInfoFree = info.freeCount();
        fs.fsInfoNext = info.nextFree();
      } catch (FatFormatException e) {
        // A damaged FSInfo is only a hint; it is rewritten on the next change.
      }
    }
    fs.rootDir();
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
  public synchronized int clusterSize() { return clusterBytes; }
  public synchronized long clusterCount() { return fat.clusterCount(); }
  public synchronized long totalBytes() { return fat.clusterCount() * clusterBytes; }
  public synchronized long freeBytes() { return fat.freeCount() * clusterBytes; }
  public synchronized long freeClusters() { return fat.freeCount(); }
  public synchronized String label() { return bpb.label(); }
  public synchronized long volumeId() { return bpb.volumeId(); }
  /** The parsed boot sector. */
  public synchronized BiosParameterBlock bootSector() { return bpb; }

  // ---------------------------------------------------------------- directories and paths

  Dir rootDir() throws IOException {
    long key = bpb.fat32() ? bpb.rootCluster() : 0;
    return dirAt(key);
  }

  Dir dirAt(long firstCluster) throws IOException {
    Dir d = dirs.get(firstCluster);
    if (d != null) {
      return d;
    }
    boolean root;
    long[] clusters;
    long[] sectors;
    if (firstCluster == 0) {
      if (bpb.fat32()) {
        throw new FatFormatException("directory entry with cluster 0 on FAT32");
      }
      root = true;
      clusters = new long[0];
      sectors = new long[(int) bpb.rootDirSectors()];
      for (int i = 0; i < sectors.length; i++) {
        sectors[i] = bpb.rootDirStart() + i;
      }
    } else {
      root = bpb.fat32() && firstCluster == bpb.rootCluster();
      clusters = fat.chain(firstCluster);
      long slots = (long) clusters.length * clusterBytes / DirectoryEntry.LENGTH;
      if (slots > MAX_DIR_SLOTS) {
        throw new FatFormatException("directory at cluster " + firstCluster + " has " + slots
            + " slots, more than 65536");
      }
      sectors = sectorsOf(clusters);
    }
    d = new Dir(firstCluster, root, clusters, sectors, sectorSize);
    d.load(cache);
    if (dirs.size() >= MAX_DIR_CACHE) {
      var it = dirs.entrySet().iterator();
      while (dirs.size() >= MAX_DIR_CACHE && it.hasNext()) {
        Dir old = it.next().getValue();
        if (!hasOpenHandles(old)) {
          it.remove();
        }
      }
    }
    dirs.put(firstCluster, d);
    return d;
  }

  private static boolean hasOpenHandles(Dir d) {
    for (Node n : d.nodes) {
      if (n.openHandles > 0) {
        return true;
      }
    }
    return false;
  }

  long[] sectorsOf(long[] clusters) {
    long[] s = new long[clusters.length * sectorsPerCluster];
    for (int i = 0; i < clusters.length; i++) {
      long base = clusterSector(clusters[i]);
      for (int k = 0; k < sectorsPerCluster; k++) {
        s[i * sectorsPerCluster + k] = base + k;
      }
    }
    return s;
  }

  long clusterSector(long cluster) {
    return dataStart + (cluster - 2) * sectorsPerCluster;
  }

  static List<String> split(String path) throws FileSystemException {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        throw new FileSystemException(path, null, "'..' is not supported in paths");
      }
      out.add(s);
    }
    return out;
  }

  Dir dirOf(Node n) throws IOException {
    if (!n.isDirectory()) {
      throw new NotDirectoryException(n.name());
    }
    long c = n.entry.firstCluster();
    if (c == 0 || !fat.inRange(c)) {
      throw new FatFormatException("directory " + n.name() + " has first cluster " + c);
    }
    return dirAt(c);
  }

  /** The directory named by {@code parts[0..count)}. */
  Dir walk(String path, List<String> parts, int count) throws IOException {
    Dir d = rootDir();
    for (int i = 0; i < count; i++) {
      Node n = d.find(parts.get(i));
      if (n == null) {
        throw new NoSuchFileException(path, null, "no " + String.join("/", parts.subList(0, i + 1)));
      }
      if (!n.isDirectory()) {
        throw new NotDirectoryException(String.join("/", parts.subList(0, i + 1)));
      }
      d = dirOf(n);
    }
    return d;
  }

  /** The node named by {@code path}, or null when its parent exists but it does not. */
  Node lookup(String path) throws IOException {
    List<String> parts = split(path);
    if (parts.isEmpty()) {
      return null;
    }
    Dir d = walk(path, parts, parts.size() - 1);
    return d.find(parts.getLast());
  }

  Node need(String path) throws IOException {
    Node n = lookup(path);
    if (n == null) {
      if (split(path).isEmpty()) {
        throw new FileSystemException(path, null, "the root directory has no entry");
      }
      throw new NoSuchFileException(path);
    }
    return n;
  }

  LocalDateTime now() {
    return LocalDateTime.now(clock);
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("file system is closed");
    }
  }

  // ---------------------------------------------------------------- write-back order

  /**
   * Writes everything dirty in the safe order: data sectors, then every FAT copy, then directory
   * sectors, then FSInfo.
   */
  synchronized void sync() throws IOException {
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

  private long writesAtBarrier;
  /** Directory changes in progress: no write-back may run in their middle. */
  private int dirUpdates;

  /** After an operation: if deferred write-backs let the cache grow, write back and shrink. */
  void checkpoint() throws IOException {
    if (dirUpdates == 0 && cache.overCapacity()) {
      cache.trim();
    }
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

  /** Writes every pending change to the device and flushes it. */
  public synchronized void flush() throws IOException {
    checkOpen();
    sync();
    volume.flush();
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
    sync();
    volume.flush();
    closed = true;
  }

  // ---------------------------------------------------------------- queries

  /** The entries of directory {@code path}, sorted by name. */
  public synchronized List<FatEntry> list(String path) throws IOException {
    checkOpen();
    Dir d = dirFor(path);
    List<FatEntry> out = new ArrayList<>(d.nodes.size());
    for (Node n : d.nodes) {
      out.add(n.toFatEntry());
    }
    out.sort(Comparator.comparing(FatEntry::name));
    return out;
  }

  private Dir dirFor(String path) throws IOException {
    List<String> parts = split(path);
    return walk(path, parts, parts.size());
  }

  /** What the directory says about {@code path}. */
  public synchronized FatEntry stat(String path) throws IOException {
    checkOpen();
    return need(path).toFatEntry();
  }

  /** Whether {@code path} names a file or directory (the root always exists). */
  public synchronized boolean exists(String path) throws IOException {
    checkOpen();
    if (split(path).isEmpty()) {
      return true;
    }
    try {
      return lookup(path) != null;
    } catch (NoSuchFileException | NotDirectoryException e) {
      return false;
    }
  }

  /** Whether {@code path} is a directory (the root is). */
  public synchronized boolean isDirectory(String path) throws IOException {
    if (split(path).isEmpty()) {
      return true;
    }
    try {
      Node n = lookup(path);
      return n != null && n.isDirectory();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- creating entries

  private static String checkName(String path, String name) throws FileSystemException {
    String why = ShortNames.invalidLongName(name);
    if (why != null) {
      throw new FileSystemException(path, null, "invalid name '" + name + "': " + why);
    }
    return name;
  }

  /**
   * Adds an entry named {@code name} to {@code d}: picks the short alias, writes the long-name
   * entries and the short entry (directory-class writes: they reach the disk after data and FAT).
   */
  Node addEntry(String path, Dir d, String name, ShortEntry template) throws IOException {
    dirUpdates++;
    try {
      return addEntryInner(path, d, name, template);
    } finally {
      dirUpdates--;
    }
  }

  private Node addEntryInner(String path, Dir d, String name, ShortEntry template) throws IOException {
    byte[] basis = ShortNames.alias(name, x -> false, 1);
    String hintKey = ShortNames.latin1(basis);
    byte[] sfn = ShortNames.alias(name, d.shortNames::contains, d.tailHints.getOrDefault(hintKey, 1));
    int tail = ShortNames.tailOf(sfn);
    if (tail > 0) {
      d.tailHints.put(hintKey, tail + 1);
    }
    boolean needLfn = !ShortNames.display(sfn, 0).equals(name);
    int lfnCount = needLfn ? (name.length() + 12) / 13 : 0;
    int count = lfnCount + 1;
    int at = d.findFree(count);
    if (at < 0) {
      extendDir(path, d, count);
      at = d.findFree(count);
      if (at < 0) {
        throw new FatDiskFullException(path, "directory full");
      }
    }
    ShortEntry e = template.withName(sfn, 0);
    if (needLfn) {
      LongNameSlot[] l = LongNameSlot.forName(name, ShortNames.checksum(sfn));
      for (int i = 0; i < l.length; i++) {
        d.writeLong(cache, at + i, l[i]);
      }
    }
    d.writeShort(cache, at + lfnCount, e);
    d.markUsed(cache, at, at + lfnCount);
    Node n = new Node(d, needLfn ? name : null, e, at, at + lfnCount);
    d.add(n);
    return n;
  }

  /** Grows a cluster directory so that a run of {@code count} free slots exists at its end. */
  private void extendDir(String path, Dir d, int count) throws IOException {
    if (d.firstCluster == 0) {
      throw new FatDiskFullException(path, "root directory full (" + d.slots + " entries)");
    }
    int perCluster = clusterBytes / DirectoryEntry.LENGTH;
    int freeTail = 0;
    for (int i = d.slots - 1; i >= 0 && (i >= d.end || !d.used.get(i)); i--) {
      freeTail++;
    }
    int clustersNeeded = (count - freeTail + perCluster - 1) / perCluster;
    if ((long) d.slots + (long) clustersNeeded * perCluster > MAX_DIR_SLOTS) {
      throw new FatDiskFullException(path, "directory full (65536 entries)");
    }
    long[] added = fat.allocate(clustersNeeded);
    if (added == null) {
      throw new FatDiskFullException(path, "no free cluster to grow the directory");
    }
    // New directory clusters are zeroed on disk now, before the FAT links them in.
    byte[] zero = new byte[clusterBytes];
    for (long c : added) {
      long s = clusterSector(c);
      cache.invalidate(s, sectorsPerCluster);
      volume.write(s, zero, 0, sectorsPerCluster);
    }
    fat.set(d.clusters[d.clusters.length - 1], added[0]);
    long[] all = Arrays.copyOf(d.clusters, d.clusters.length + added.length);
    System.arraycopy(added, 0, all, d.clusters.length, added.length);
    d.clusters = all;
    d.sectors = sectorsOf(all);
    d.slots = d.sectors.length * (sectorSize / DirectoryEntry.LENGTH);
    // d.end is unchanged: the new, zeroed slots lie at or after it and count as free.
  }

  private ShortEntry template(int attributes, long cluster) {
    LocalDateTime t = now();
    int date = DosTime.date(t);
    int time = DosTime.time(t);
    return new ShortEntry(new byte[] {'_', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '},
        attributes, 0, DosTime.tenths(t), time, date, date, cluster, time, date, 0);
  }

  /** Creates directory {@code path}; its parent must exist. */
  public synchronized void mkdir(String path) throws IOException {
    checkOpen();
    List<String> parts = split(path);
    if (parts.isEmpty()) {
      throw new FileAlreadyExistsException("/");
    }
    String name = checkName(path, parts.getLast());
    Dir parent = walk(path, parts, parts.size() - 1);
    if (parent.find(name) != null) {
      throw new FileAlreadyExistsException(path);
    }
    long[] c = fat.allocate(1);
    if (c == null) {
      throw new FatDiskFullException(path, "no free cluster for the directory");
    }
    try {
      ShortEntry t = template(DirectoryEntry.ATTR_DIRECTORY, c[0]);
      // "." and ".." first, written straight to disk: the new cluster holds them before
      // anything points at it.
      byte[] data = new byte[clusterBytes];
      ByteBuf b = Unpooled.wrappedBuffer(data);
      t.withName(dotName(1), 0).emit(b, 0);
      long parentCluster = parent.root ? 0 : parent.firstCluster;
      t.withName(dotName(2), 0).withCluster(parentCluster, 0).emit(b, DirectoryEntry.LENGTH);
      long s = clusterSector(c[0]);
      cache.invalidate(s, sectorsPerCluster);
      volume.write(s, data, 0, sectorsPerCluster);
      addEntry(path, parent, name, t);
    } catch (IOException | RuntimeException e) {
      fat.free(c);
      throw e;
    }
    checkpoint();
  }

  private static byte[] dotName(int dots) {
    byte[] n = "           ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    for (int i = 0; i < dots; i++) {
      n[i] = '.';
    }
    return n;
  }

  /** Creates {@code path} and any missing parents; an existing directory is fine. */
  public synchronized void mkdirs(String path) throws IOException {
    List<String> parts = split(path);
    StringBuilder sb = new StringBuilder();
    for (String p : parts) {
      sb.append('/').append(p);
      Node n = lookup(sb.toString());
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
    List<String> parts = split(path);
    if (parts.isEmpty()) {
      throw new FileAlreadyExistsException("/");
    }
    String name = checkName(path, parts.getLast());
    Dir parent = walk(path, parts, parts.size() - 1);
    if (parent.find(name) != null) {
      throw new FileAlreadyExistsException(path);
    }
    Node n = addEntry(path, parent, name, template(DirectoryEntry.ATTR_ARCHIVE, 0));
    checkpoint();
    return new FatFile(this, n, path);
  }

  /** Opens an existing file for reading and writing. */
  public synchronized FatFile open(String path) throws IOException {
    checkOpen();
    Node n = need(path);
    if (n.isDirectory()) {
      throw new FileSystemException(path, null, "is a directory");
    }
    return new FatFile(this, n, path);
  }

  /** Opens {@code path}, creating it empty when missing. */
  public synchronized FatFile openOrCreate(String path) throws IOException {
    return lookup(path) == null ? create(path) : open(path);
  }

  final List<FatFile> openFiles = new ArrayList<>();

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
    boolean created = lookup(path) == null;
    FatFile f = created ? create(path) : open(path);
    try {
      f.truncate(0);
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
    Node n = need(path);
    int keep = n.entry.attributes() & (DirectoryEntry.ATTR_DIRECTORY | DirectoryEntry.ATTR_VOLUME_ID);
    int set = attributes & (DirectoryEntry.ATTR_READ_ONLY | DirectoryEntry.ATTR_HIDDEN
        | DirectoryEntry.ATTR_SYSTEM | DirectoryEntry.ATTR_ARCHIVE);
    ShortEntry e = n.entry;
    n.entry = new ShortEntry(e.name(), keep | set, e.ntRes(), e.createTenths(), e.createTime(),
        e.createDate(), e.accessDate(), e.firstCluster(), e.writeTime(), e.writeDate(), e.size());
    n.parent.writeShort(cache, n.shortSlot, n.entry);
    checkpoint();
  }

  // ---------------------------------------------------------------- removing and moving

  /** Deletes file {@code path} (directories: {@link #rmdir}). */
  public synchronized void delete(String path) throws IOException {
    checkOpen();
    Node n = need(path);
    if (n.isDirectory()) {
      throw new FileSystemException(path, null, "is a directory (use rmdir)");
    }
    removeNode(path, n);
  }

  /** Removes empty directory {@code path}. */
  public synchronized void rmdir(String path) throws IOException {
    checkOpen();
    Node n = need(path);
    if (!n.isDirectory()) {
      throw new NotDirectoryException(path);
    }
    Dir d = dirOf(n);
    if (!d.isEmpty()) {
      throw new DirectoryNotEmptyException(path);
    }
    removeNode(path, n);
    dirs.remove(d.firstCluster);
  }

  /** Removes {@code path}: a file, or a directory with everything below it. */
  public synchronized void deleteRecursively(String path) throws IOException {
    checkOpen();
    Node n = need(path);
    if (n.isDirectory()) {
      Dir d = dirOf(n);
      for (Node child : new ArrayList<>(d.nodes)) {
        deleteRecursively(path + "/" + child.name());
      }
      rmdir(path);
    } else {
      delete(path);
    }
  }

  private void freeSlots(Node n) throws IOException {
    dirUpdates++;
    try {
      n.parent.freeSlots(cache, n.firstSlot, n.shortSlot);
    } finally {
      dirUpdates--;
    }
  }

  private void removeNode(String path, Node n) throws IOException {
    if (n.openHandles > 0) {
      throw new FileSystemException(path, null, "file is open");
    }
    long[] chain = n.entry.firstCluster() == 0 ? new long[0] : fat.chain(n.entry.firstCluster());
    freeSlots(n);
    n.parent.remove(n);
    sync(); // the entry is gone on disk before its clusters are free
    fat.free(chain);
    checkpoint();
  }

  /**
   * Renames or moves {@code from} to {@code to} (whose parent must exist and which must not
   * exist, except as {@code from} itself with another case). A directory cannot move below
   * itself.
   */
  public synchronized void rename(String from, String to) throws IOException {
    checkOpen();
    Node n = need(from);
    if (n.openHandles > 0) {
      throw new FileSystemException(from, null, "file is open");
    }
    List<String> parts = split(to);
    if (parts.isEmpty()) {
      throw new FileAlreadyExistsException(to);
    }
    String name = checkName(to, parts.getLast());
    Dir target = walk(to, parts, parts.size() - 1);
    Node existing = target.find(name);
    if (existing != null && existing != n) {
      throw new FileAlreadyExistsException(to);
    }
    if (n.isDirectory()) {
      Dir moving = dirOf(n);
      List<String> fp = split(from);
      if (target != n.parent) {
        // Refuse moving a directory into its own subtree.
        Dir d = target;
        for (int guard = 0; guard < 4096; guard++) {
          if (d == moving) {
            throw new FileSystemException(from, to, "cannot move a directory into itself");
          }
          if (d.root) {
            break;
          }
          d = parentOf(d);
        }
      }
      if (fp.size() < parts.size() && parts.subList(0, fp.size()).stream().map(Dir::fold).toList()
          .equals(fp.stream().map(Dir::fold).toList())) {
        throw new FileSystemException(from, to, "cannot move a directory into itself");
      }
    }
    if (existing == n && n.name().equals(name)) {
      return;
    }
    // Free the slots of the old name first (and write that); a moved directory's '..' next;
    // the new name last. A power cut in between leaves the entry unreachable (lost clusters),
    // never two names for one chain nor a '..' that disagrees with the parent.
    ShortEntry e = n.entry;
    Dir oldParent = n.parent;
    freeSlots(n);
    n.parent.remove(n);
    sync();
    if (n.isDirectory() && target != oldParent) {
      Dir d = dirOf(n);
      long parentCluster = target.root ? 0 : target.firstCluster;
      byte[] data = cache.get(d.sectors[0]);
      DirectoryEntry de = new DirectoryEntry().wrap(Unpooled.wrappedBuffer(data), DirectoryEntry.LENGTH);
      if (de.firstByte() == '.') {
        de.setFirstCluster(parentCluster);
        cache.markDirty(d.sectors[0], SectorCache.DIRECTORY);
        sync();
      }
    }
    addEntry(to, target, name, e);
    checkpoint();
  }

  private Dir parentOf(Dir d) throws IOException {
    byte[] data = cache.get(d.sectors[0]);
    DirectoryEntry de = new DirectoryEntry().wrap(Unpooled.wrappedBuffer(data), DirectoryEntry.LENGTH);
    long c = de.firstCluster();
    if (c == 0) {
      return rootDir();
    }
    return dirAt(c);
  }

  // ---------------------------------------------------------------- file data

  /** Reads {@code len} bytes of the clusters {@code chain} from byte {@code pos}. */
  void readData(long[] chain, long pos, byte[] dst, int off, int len) throws IOException {
    readData(chain, pos, Unpooled.wrappedBuffer(dst), off, len);
  }

  /**
   * As {@link #readData(long[], long, byte[], int, int)}, into {@code dst} at absolute index
   * {@code off} (its indices unchanged): whole sectors go from the device straight into {@code
   * dst}, so a direct buffer is filled with no copy in the JVM.
   */
  void readData(long[] chain, long pos, ByteBuf dst, int off, int len) throws IOException {
    while (len > 0) {
      int ci = (int) (pos / clusterBytes);
      int within = (int) (pos % clusterBytes);
      int run = 1;
      while (ci + run < chain.length && chain[ci + run] == chain[ci] + run
          && (long) run * clusterBytes - within < len) {
        run++;
      }
      int n = (int) Math.min(len, (long) run * clusterBytes - within);
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
        // A small run ending in a partial sector (a small file's last bytes): one device read
        // of the whole sectors instead of one for the full ones plus one for the tail.
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
  void writeData(long[] chain, long pos, byte[] src, int off, int len, long validEnd) throws IOException {
    writeData(chain, pos, Unpooled.wrappedBuffer(src), off, len, validEnd);
  }

  /**
   * As {@link #writeData(long[], long, byte[], int, int, long)}, from {@code src} at absolute
   * index {@code off} (its indices unchanged): whole sectors go straight from {@code src} to the
   * device, so a direct buffer is written with no copy in the JVM.
   */
  void writeData(long[] chain, long pos, ByteBuf src, int off, int len, long validEnd) throws IOException {
    while (len > 0) {
      int ci = (int) (pos / clusterBytes);
      int within = (int) (pos % clusterBytes);
      int run = 1;
      while (ci + run < chain.length && chain[ci + run] == chain[ci] + run
          && (long) run * clusterBytes - within < len) {
        run++;
      }
      int n = (int) Math.min(len, (long) run * clusterBytes - within);
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
        // A small run ending in a partial sector past the valid end (a small file's last bytes):
        // the tail sector's old content does not matter, so the whole sectors go to the device in
        // one request, the tail zero-padded, instead of the tail waiting in the cache for a
        // write of its own. Data sectors may be written any time (nothing points at them yet).
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

  /** Writes the short entry of {@code n} (directory class) with new cluster, size and times. */
  void commitEntry(Node n, long firstCluster, long size) throws IOException {
    LocalDateTime t = now();
    ShortEntry e = n.entry.withCluster(firstCluster, size).withWrite(DosTime.time(t), DosTime.date(t));
    e = new ShortEntry(e.name(), e.attributes() | DirectoryEntry.ATTR_ARCHIVE, e.ntRes(),
        e.createTenths(), e.createTime(), e.createDate(), e.accessDate(), e.firstCluster(),
        e.writeTime(), e.writeDate(), e.size());
    n.entry = e;
    n.parent.writeShort(cache, n.shortSlot, e);
  }
}
