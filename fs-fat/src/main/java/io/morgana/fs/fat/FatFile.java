package io.morgana.fs.fat;

import io.morgana.fs.fat.internal.ClusterIo;
import io.morgana.fs.fat.internal.FatTable;
import io.morgana.fs.fat.internal.WriteBack;
import io.morgana.fs.fat.wire.FatFormatException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Arrays;

/**
 * An open file of a {@link FatFileSystem}: read and write at any offset, append, truncate.
 *
 * <p>Changes go to a private copy of the cluster chain (copy-on-write: the first change copies
 * the clusters it keeps; a new or emptied file has nothing to copy) and become visible on disk
 * with one directory-entry write at {@link #flush()} (durable) or {@link #close()} (written back
 * with the file system's next ordered write-back), after the data and the FAT; the old chain is
 * freed after that. Each write either happens whole or, when the volume is
 * full, not at all ({@link FatDiskFullException}). A file can be open once at a time.
 */
public final class FatFile implements AutoCloseable {

  private final FatFileSystem fs;
  private final FatTable fat;
  private final ClusterIo io;
  private final WriteBack order;
  private final Entries entries;
  private final Node node;
  private final String path;
  /** The chain the directory entry points at on disk. */
  private long[] committed;
  /** The chain being worked on: {@link #committed} until the first change, then private. */
  private long[] chain;
  private int chainLength;
  private long size;
  private boolean shared;
  private boolean dirty;
  private boolean closed;

  FatFile(FatFileSystem fs, FatTable fat, ClusterIo io, WriteBack order, Entries entries, Node node,
      String path) throws IOException {
    if (node.isOpen()) {
      throw new FileSystemException(path, null, "file is already open");
    }
    this.fs = fs;
    this.fat = fat;
    this.io = io;
    this.order = order;
    this.entries = entries;
    this.node = node;
    this.path = path;
    long first = node.entry().firstCluster();
    long[] c = fat.chain(first);
    long sz = node.entry().size();
    long needed = io.clustersFor(sz);
    if (c.length < needed) {
      throw new FatFormatException(path + ": cluster chain of " + c.length
          + " clusters is shorter than the file size " + sz);
    }
    if (first == 0 && sz != 0) {
      throw new FatFormatException(path + ": size " + sz + " without clusters");
    }
    this.committed = c;
    this.chain = c;
    this.chainLength = c.length;
    this.size = sz;
    this.shared = c.length > 0;
    node.opened();
    fs.opened(this);
  }

  /** The path this file was opened with. */
  public String path() {
    return path;
  }

  public long size() {
    synchronized (fs) {
      return size;
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException(path + " is closed");
    }
    fs.checkOpen();
  }

  private long clustersFor(long bytes) {
    return io.clustersFor(bytes);
  }

  private long[] live() {
    return chainLength == chain.length ? chain : Arrays.copyOf(chain, chainLength);
  }

  /**
   * Reads up to {@code len} bytes at {@code pos} into {@code dst}; returns how many (0 at or after
   * the end of the file).
   */
  public int read(long pos, byte[] dst, int off, int len) throws IOException {
    synchronized (fs) {
      checkOpen();
      if (pos < 0 || off < 0 || len < 0 || off + len > dst.length) {
        throw new IndexOutOfBoundsException("pos " + pos + " off " + off + " len " + len);
      }
      if (pos >= size || len == 0) {
        return 0;
      }
      int n = (int) Math.min(len, size - pos);
      io.read(chain, pos, dst, off, n);
      return n;
    }
  }

  /**
   * Reads up to {@code dst.writableBytes()} bytes at {@code pos} into {@code dst}, advancing its
   * writer index; returns how many (0 at or after the end of the file). With a direct buffer, whole
   * sectors move between the device and {@code dst} with no copy in the JVM (bulk copies, the
   * {@code fat} tool).
   */
  public int read(long pos, ByteBuf dst) throws IOException {
    synchronized (fs) {
      checkOpen();
      if (pos < 0) {
        throw new IndexOutOfBoundsException("pos " + pos);
      }
      int len = dst.writableBytes();
      if (pos >= size || len == 0) {
        return 0;
      }
      int n = (int) Math.min(len, size - pos);
      io.read(chain, pos, dst, dst.writerIndex(), n);
      dst.writerIndex(dst.writerIndex() + n);
      return n;
    }
  }

  /**
   * Writes the readable bytes of {@code src} at {@code pos}, advancing its reader index; as
   * {@link #write(long, byte[], int, int)}. The caller keeps ownership of {@code src}.
   */
  public void write(long pos, ByteBuf src) throws IOException {
    synchronized (fs) {
      int len = src.readableBytes();
      write(pos, src, src.readerIndex(), len);
      src.readerIndex(src.readerIndex() + len);
    }
  }

  /** Writes {@code len} bytes at {@code pos}; a gap after the current end reads as zeros. */
  public void write(long pos, byte[] src, int off, int len) throws IOException {
    synchronized (fs) {
      if (pos < 0 || off < 0 || len < 0 || off + len > src.length) {
        checkOpen();
        throw new IndexOutOfBoundsException("pos " + pos + " off " + off + " len " + len);
      }
      write(pos, Unpooled.wrappedBuffer(src), off, len);
    }
  }

  private void write(long pos, ByteBuf src, int off, int len) throws IOException {
    synchronized (fs) {
      checkOpen();
      if (pos < 0) {
        throw new IndexOutOfBoundsException("pos " + pos + " off " + off + " len " + len);
      }
      if (len == 0) {
        return;
      }
      long end = pos + len;
      if (end > FatFileSystem.MAX_FILE_SIZE) {
        throw new FileSystemException(path, null, "file too large: FAT files end at 4 GiB - 1");
      }
      long keep = size;
      long target = Math.max(end, size);
      reserve(keep, clustersFor(target));
      if (pos > size) {
        zeroFill(size, pos);
      }
      io.write(chain, pos, src, off, len, size);
      size = Math.max(size, end);
      dirty = true;
      order.checkpoint();
    }
  }

  /** Appends {@code len} bytes at the end. */
  public void append(byte[] src, int off, int len) throws IOException {
    synchronized (fs) {
      write(size, src, off, len);
    }
  }

  /** Cuts the file to {@code newSize} bytes, or extends it with zeros. */
  public void truncate(long newSize) throws IOException {
    synchronized (fs) {
      checkOpen();
      if (newSize < 0 || newSize > FatFileSystem.MAX_FILE_SIZE) {
        throw new FileSystemException(path, null, "size " + newSize + " out of range");
      }
      if (newSize == size) {
        return;
      }
      if (newSize > size) {
        reserve(size, clustersFor(newSize));
        zeroFill(size, newSize);
        size = newSize;
        dirty = true;
        return;
      }
      long keepClusters = clustersFor(newSize);
      if (shared) {
        reserve(newSize, keepClusters);
      } else {
        cut(keepClusters);
      }
      size = newSize;
      dirty = true;
    }
  }

  /**
   * Reserves clusters for a file of {@code bytes} bytes, as one contiguous run where the volume
   * has one, so that writes up to that size allocate nothing more and each buffer moves in one
   * device request. The size does not change; clusters still past the end at {@link #flush()} or
   * {@link #close()} are freed. All or nothing, as a write ({@link FatDiskFullException}).
   */
  public void preallocate(long bytes) throws IOException {
    synchronized (fs) {
      checkOpen();
      if (bytes < 0 || bytes > FatFileSystem.MAX_FILE_SIZE) {
        throw new FileSystemException(path, null, "size " + bytes + " out of range");
      }
      if (clustersFor(bytes) > chainLength) {
        reserve(size, Math.max(clustersFor(bytes), clustersFor(size)));
        dirty = true;
      }
    }
  }

  private void zeroFill(long from, long to) throws IOException {
    byte[] zero = new byte[(int) Math.min(to - from, 1 << 20)];
    long p = from;
    while (p < to) {
      int n = (int) Math.min(zero.length, to - p);
      io.write(chain, p, zero, 0, n, p);
      p += n;
    }
  }

  /**
   * Makes the working chain private (copying the first {@code keepBytes} of a shared chain) and
   * at least {@code clusters} long. All or nothing: checks the free count before touching
   * anything.
   */
  private void reserve(long keepBytes, long clusters) throws IOException {
    long keepClusters = shared ? clustersFor(Math.min(keepBytes, size)) : chainLength;
    long base = shared ? keepClusters : chainLength;
    long grow = Math.max(0, clusters - base);
    long needed = (shared ? keepClusters : 0) + grow;
    if (needed > fat.freeCount()) {
      throw new FatDiskFullException(path, "disk full: " + needed + " clusters needed, "
          + fat.freeCount() + " free");
    }
    if (shared) {
      long[] copy = fat.allocate((int) keepClusters);
      if (copy == null) {
        throw new FatDiskFullException(path, "disk full");
      }
      byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(io.clusterBytes(), keepClusters * io.clusterBytes()))];
      long bytes = Math.min(keepBytes, size);
      long p = 0;
      while (p < bytes) {
        int n = (int) Math.min(buf.length, bytes - p);
        io.read(committed, p, buf, 0, n);
        io.write(copy, p, buf, 0, n, p);
        p += n;
      }
      chain = copy;
      chainLength = copy.length;
      shared = false;
      if (size > bytes) {
        size = bytes;
      }
      dirty = true;
    }
    if (grow > 0) {
      long[] more = fat.allocate((int) grow, chainLength > 0 ? chain[chainLength - 1] : 0);
      if (more == null) {
        throw new FatDiskFullException(path, "disk full");
      }
      if (chainLength > 0) {
        fat.set(chain[chainLength - 1], more[0]);
      }
      long[] all = chain;
      if (chain == committed || chainLength + more.length > chain.length) {
        // Grow with spare room (a private array, never the committed one): appends stay linear.
        all = Arrays.copyOf(chain, Math.max(chainLength + more.length, chainLength * 3 / 2 + 16));
      }
      System.arraycopy(more, 0, all, chainLength, more.length);
      chain = all;
      chainLength += more.length;
    }
  }

  /**
   * Publishes the changes and makes them durable: data, then every FAT copy, then the directory
   * entry; then frees the clusters the file no longer uses; then flushes the device.
   */
  public void flush() throws IOException {
    synchronized (fs) {
      checkOpen();
      commit();
      fs.flush();
    }
  }

  private void commit() throws IOException {
    if (!dirty) {
      return;
    }
    trimToSize();
    long[] now = live();
    entries.commit(node, now.length == 0 ? 0 : now[0], size);
    if (committed != chain && committed.length > 0) {
      order.sync(); // the entry points at the new chain on disk before the old one is freed
      fat.free(committed);
    }
    committed = now;
    chain = now;
    chainLength = now.length;
    shared = now.length > 0;
    dirty = false;
    order.checkpoint();
  }

  /** Frees the private chain's clusters past the size (left over from {@link #preallocate}). */
  private void trimToSize() {
    if (!shared) {
      cut(clustersFor(size));
    }
  }

  /** Ends the private chain after {@code keep} clusters, freeing the rest. */
  private void cut(long keep) {
    if (keep >= chainLength) {
      return;
    }
    long[] tail = Arrays.copyOfRange(chain, (int) keep, chainLength);
    if (keep > 0) {
      fat.set(chain[(int) keep - 1], fat.eocMark());
    }
    fat.free(tail);
    chainLength = (int) keep;
  }

  /**
   * Closes without publishing: the directory entry keeps the last committed content, and
   * clusters allocated since are freed.
   */
  public void discard() throws IOException {
    synchronized (fs) {
      if (closed) {
        return;
      }
      try {
        if (chain != committed) {
          long[] mine = live();
          java.util.Set<Long> keep = new java.util.HashSet<>();
          for (long c : committed) {
            keep.add(c);
          }
          java.util.List<Long> drop = new java.util.ArrayList<>();
          for (long c : mine) {
            if (!keep.contains(c)) {
              drop.add(c);
            }
          }
          long[] d = new long[drop.size()];
          for (int i = 0; i < d.length; i++) {
            d[i] = drop.get(i);
          }
          fat.free(d);
        }
      } finally {
        closed = true;
        node.closed();
        fs.closed(this);
      }
    }
  }

  /** Commits and closes. Idempotent. */
  @Override
  public void close() throws IOException {
    synchronized (fs) {
      if (closed) {
        return;
      }
      try {
        if (!fs.isClosed()) {
          commit();
        }
      } finally {
        closed = true;
        node.closed();
        fs.closed(this);
      }
    }
  }
}
