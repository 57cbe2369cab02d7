package io.morgana.fs.fat;

import io.morgana.fs.fat.internal.ClusterIo;
import io.morgana.fs.fat.internal.FatTable;
import io.morgana.fs.fat.internal.SectorCache;
import io.morgana.fs.fat.internal.WriteBack;
import io.morgana.fs.fat.wire.DirectoryEntry;
import io.morgana.fs.fat.wire.LongNameSlot;
import io.morgana.fs.fat.wire.ShortEntry;
import io.morgana.fs.fat.wire.ShortNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.List;

/**
 * Changes to directory entries: creating files and directories (the short entry of fatgen103 §6,
 * its alias and long-name slots of §7), growing a directory by a cluster, removing and renaming
 * entries, and publishing a file's new chain and size.
 *
 * <p>Each change follows {@link WriteBack}'s order: a new directory cluster (its "." and "..",
 * §6.3) is written straight to disk before the FAT links it in; entries are directory-class
 * writes that reach the disk after the data and the FAT they point at; an entry is removed on
 * disk before the clusters it named are freed. A rename frees the old name before writing the new
 * one: a power cut in between loses the name (lost clusters), never gives one chain two names.
 */
final class Entries {

  private final Namespace names;
  private final FatTable fat;
  private final ClusterIo io;
  private final SectorCache cache;
  private final WriteBack order;
  private final Clock clock;

  Entries(Namespace names, FatTable fat, ClusterIo io, SectorCache cache, WriteBack order, Clock clock) {
    this.names = names;
    this.fat = fat;
    this.io = io;
    this.cache = cache;
    this.order = order;
    this.clock = clock;
  }

  LocalDateTime now() {
    return LocalDateTime.now(clock);
  }

  static String checkName(String path, String name) throws FileSystemException {
    String why = ShortNames.invalidLongName(name);
    if (why != null) {
      throw new FileSystemException(path, null, "invalid name '" + name + "': " + why);
    }
    return name;
  }

  /** A short entry stamped now, with a placeholder name. */
  private ShortEntry template(int attributes, long cluster) {
    LocalDateTime t = now();
    int date = DosTime.date(t);
    int time = DosTime.time(t);
    return new ShortEntry(new byte[] {'_', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '},
        attributes, 0, DosTime.tenths(t), time, date, date, cluster, time, date, 0);
  }

  /** The directory that will hold new entry {@code path}, checking that the name is free. */
  private Dir parentForNew(String path, List<String> parts) throws IOException {
    if (parts.isEmpty()) {
      throw new FileAlreadyExistsException("/");
    }
    checkName(path, parts.getLast());
    Dir parent = names.parentDir(path, parts);
    if (parent.find(parts.getLast()) != null) {
      throw new FileAlreadyExistsException(path);
    }
    return parent;
  }

  /** Creates an empty file. */
  Node createFile(String path) throws IOException {
    List<String> parts = Namespace.split(path);
    Dir parent = parentForNew(path, parts);
    Node n = add(path, parent, parts.getLast(), template(DirectoryEntry.ATTR_ARCHIVE, 0));
    order.checkpoint();
    return n;
  }

  /** Creates directory {@code path}; its parent must exist. */
  void mkdir(String path) throws IOException {
    List<String> parts = Namespace.split(path);
    Dir parent = parentForNew(path, parts);
    long[] c = fat.allocate(1);
    if (c == null) {
      throw new FatDiskFullException(path, "no free cluster for the directory");
    }
    try {
      ShortEntry t = template(DirectoryEntry.ATTR_DIRECTORY, c[0]);
      // "." and ".." first, written straight to disk: the new cluster holds them before
      // anything points at it.
      byte[] data = new byte[io.clusterBytes()];
      ByteBuf b = Unpooled.wrappedBuffer(data);
      t.withName(dotName(1), 0).emit(b, 0);
      t.withName(dotName(2), 0).withCluster(parent.clusterForDotDot(), 0).emit(b, DirectoryEntry.LENGTH);
      io.writeCluster(c[0], data);
      add(path, parent, parts.getLast(), t);
    } catch (IOException | RuntimeException e) {
      fat.free(c);
      throw e;
    }
    order.checkpoint();
  }

  private static byte[] dotName(int dots) {
    byte[] n = "           ".getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < dots; i++) {
      n[i] = '.';
    }
    return n;
  }

  /**
   * Adds an entry named {@code name} to {@code d}: picks the short alias, writes the long-name
   * entries and the short entry (directory-class writes: they reach the disk after data and FAT).
   */
  private Node add(String path, Dir d, String name, ShortEntry template) throws IOException {
    order.beginDirectoryChange();
    try {
      byte[] sfn = d.aliasFor(name);
      boolean needLfn = !ShortNames.display(sfn, 0).equals(name);
      int lfnCount = needLfn ? (name.length() + 12) / 13 : 0;
      int count = lfnCount + 1;
      int at = d.findFree(count);
      if (at < 0) {
        grow(path, d, count);
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
    } finally {
      order.endDirectoryChange();
    }
  }

  /** Grows a cluster directory so that a run of {@code count} free slots exists at its end. */
  private void grow(String path, Dir d, int count) throws IOException {
    if (d.firstCluster() == 0) {
      throw new FatDiskFullException(path, "root directory full (" + d.slots() + " entries)");
    }
    int perCluster = io.clusterBytes() / DirectoryEntry.LENGTH;
    int clustersNeeded = (count - d.freeTailSlots() + perCluster - 1) / perCluster;
    if ((long) d.slots() + (long) clustersNeeded * perCluster > Dir.MAX_SLOTS) {
      throw new FatDiskFullException(path, "directory full (65536 entries)");
    }
    long[] added = fat.allocate(clustersNeeded);
    if (added == null) {
      throw new FatDiskFullException(path, "no free cluster to grow the directory");
    }
    // New directory clusters are zeroed on disk now, before the FAT links them in.
    byte[] zero = new byte[io.clusterBytes()];
    for (long c : added) {
      io.writeCluster(c, zero);
    }
    fat.set(d.lastCluster(), added[0]);
    d.grow(added, io.sectorsOf(added));
  }

  /** Sets the attribute bits read-only, hidden, system and archive of {@code n}. */
  void setAttributes(Node n, int attributes) throws IOException {
    ShortEntry e = n.entry();
    int keep = e.attributes() & (DirectoryEntry.ATTR_DIRECTORY | DirectoryEntry.ATTR_VOLUME_ID);
    int set = attributes & (DirectoryEntry.ATTR_READ_ONLY | DirectoryEntry.ATTR_HIDDEN
        | DirectoryEntry.ATTR_SYSTEM | DirectoryEntry.ATTR_ARCHIVE);
    write(n, new ShortEntry(e.name(), keep | set, e.ntRes(), e.createTenths(), e.createTime(),
        e.createDate(), e.accessDate(), e.firstCluster(), e.writeTime(), e.writeDate(), e.size()));
    order.checkpoint();
  }

  /** Points {@code n} at a new chain and size, stamped now and marked for archiving. */
  void commit(Node n, long firstCluster, long size) throws IOException {
    LocalDateTime t = now();
    ShortEntry e = n.entry().withCluster(firstCluster, size).withWrite(DosTime.time(t), DosTime.date(t));
    write(n, new ShortEntry(e.name(), e.attributes() | DirectoryEntry.ATTR_ARCHIVE, e.ntRes(),
        e.createTenths(), e.createTime(), e.createDate(), e.accessDate(), e.firstCluster(),
        e.writeTime(), e.writeDate(), e.size()));
  }

  private void write(Node n, ShortEntry e) throws IOException {
    n.entry(e);
    n.parent().writeShort(cache, n.shortSlot(), e);
  }

  /** Removes file or empty directory {@code n}: the entry on disk first, its clusters after. */
  void remove(String path, Node n) throws IOException {
    if (n.isOpen()) {
      throw new FileSystemException(path, null, "file is open");
    }
    Dir emptied = null;
    if (n.isDirectory()) {
      emptied = names.dirOf(n);
      if (!emptied.isEmpty()) {
        throw new DirectoryNotEmptyException(path);
      }
    }
    long first = n.entry().firstCluster();
    long[] chain = first == 0 ? new long[0] : fat.chain(first);
    unlink(n);
    order.sync(); // the entry is gone on disk before its clusters are free
    fat.free(chain);
    if (emptied != null) {
      names.forget(emptied);
    }
    order.checkpoint();
  }

  /** Frees the slots of {@code n} and drops it from its directory. */
  private void unlink(Node n) throws IOException {
    order.beginDirectoryChange();
    try {
      n.parent().freeSlots(cache, n.firstSlot(), n.shortSlot());
    } finally {
      order.endDirectoryChange();
    }
    n.parent().remove(n);
  }

  /**
   * Renames or moves {@code from} to {@code to} (whose parent must exist and which must not
   * exist, except as {@code from} itself with another case). A directory cannot move below
   * itself.
   */
  void rename(String from, String to) throws IOException {
    Node n = names.need(from);
    if (n.isOpen()) {
      throw new FileSystemException(from, null, "file is open");
    }
    List<String> parts = Namespace.split(to);
    if (parts.isEmpty()) {
      throw new FileAlreadyExistsException(to);
    }
    String name = checkName(to, parts.getLast());
    Dir target = names.parentDir(to, parts);
    Node existing = target.find(name);
    if (existing != null && existing != n) {
      throw new FileAlreadyExistsException(to);
    }
    if (n.isDirectory()) {
      refuseMoveIntoItself(from, to, n, target, parts);
    }
    if (existing == n && n.name().equals(name)) {
      return;
    }
    // Free the slots of the old name first (and write that); a moved directory's '..' next;
    // the new name last. A power cut in between leaves the entry unreachable (lost clusters),
    // never two names for one chain nor a '..' that disagrees with the parent.
    ShortEntry e = n.entry();
    Dir oldParent = n.parent();
    unlink(n);
    order.sync();
    if (n.isDirectory() && target != oldParent) {
      Dir d = names.dirOf(n);
      byte[] data = cache.get(d.firstSector());
      DirectoryEntry de = new DirectoryEntry().wrap(Unpooled.wrappedBuffer(data), DirectoryEntry.LENGTH);
      if (de.firstByte() == '.') {
        de.setFirstCluster(target.clusterForDotDot());
        cache.markDirty(d.firstSector(), SectorCache.DIRECTORY);
        order.sync();
      }
    }
    add(to, target, name, e);
    order.checkpoint();
  }

  private void refuseMoveIntoItself(String from, String to, Node n, Dir target, List<String> parts)
      throws IOException {
    Dir moving = names.dirOf(n);
    if (target != n.parent()) {
      Dir d = target;
      for (int guard = 0; guard < 4096; guard++) {
        if (d == moving) {
          throw new FileSystemException(from, to, "cannot move a directory into itself");
        }
        if (d.isRoot()) {
          break;
        }
        d = names.parentOf(d);
      }
    }
    List<String> fp = Namespace.split(from);
    if (fp.size() < parts.size() && parts.subList(0, fp.size()).stream().map(Dir::fold).toList()
        .equals(fp.stream().map(Dir::fold).toList())) {
      throw new FileSystemException(from, to, "cannot move a directory into itself");
    }
  }
}
