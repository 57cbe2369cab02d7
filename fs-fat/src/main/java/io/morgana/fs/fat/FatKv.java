package io.morgana.fs.fat;

import io.morgana.runtime.LoopBridge;
import io.morgana.api.Kv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@link Kv} over a {@link FatFileSystem}: keys are paths, values are files, dictionaries are
 * directories. {@link #set} replaces a file through one copy-on-write commit, so a reader (or a
 * power cut) sees the old or the new value; {@link #set} and {@link #remove} are durable when they
 * return (the file system is flushed).
 *
 * <p><b>Keys a FAT volume accepts.</b> Each segment of a key is a VFAT long name: 1 to 255 UTF-16
 * code units, none of them a control character (below U+0020, or U+007F) or one of {@code " * / :
 * < > ? \ |}, not ending in a space or a period, and not {@code .} or {@code ..}; empty segments
 * and {@code .} are skipped, {@code ..} is refused. Any other segment fails with a {@link
 * FileSystemException} naming the key. Keys are stored with the case they were first written in.
 *
 * <p><b>How keys compare: case-insensitively.</b> As on Windows, two keys that differ only in
 * case ({@code Character.toUpperCase} per character) are the same entry: {@code "todo"}, {@code
 * "/TODO"} and {@code "ToDo"} read, replace and remove one value, and {@link #list} shows it under
 * the name it was created with. An application that needs case-sensitive keys encodes them
 * (hex, or a prefix per upper-case letter) before storing.
 */
final class FatKv implements Kv {

  private final FatFileSystem fs;

  @Inject
  FatKv(FatFileSystem fs) {
    this.fs = fs;
  }

  private static String path(String key) {
    return key.startsWith("/") ? key : "/" + key;
  }

  @Override
  public Optional<ByteBuf> get(String key) throws IOException {
    LoopBridge.checkBlockingAllowed("Kv.get");
    synchronized (fs) {
      if (!fs.exists(path(key)) || fs.isDirectory(path(key))) {
        return Optional.empty();
      }
      return Optional.of(Unpooled.wrappedBuffer(fs.readAllBytes(path(key))));
    }
  }

  /** Reads only the clusters of the range: a large file is streamed without reading it whole. */
  @Override
  public Optional<ByteBuf> get(String key, long offset, int length) throws IOException {
    LoopBridge.checkBlockingAllowed("Kv.get");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset " + offset + " and length " + length + " must not be negative");
    }
    synchronized (fs) {
      if (!fs.exists(path(key)) || fs.isDirectory(path(key))) {
        return Optional.empty();
      }
      try (FatFile f = fs.open(path(key))) {
        int n = (int) Math.max(0, Math.min(length, f.size() - offset));
        ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(n);
        try {
          while (dst.isWritable() && f.read(offset + dst.readableBytes(), dst) > 0) {
            // read advances dst's writer index
          }
          if (dst.isWritable()) {
            throw new IOException("short read of " + key + " at " + (offset + dst.readableBytes()));
          }
          return Optional.of(dst);
        } catch (IOException | RuntimeException e) {
          dst.release();
          throw e;
        }
      }
    }
  }

  @Override
  public void set(String key, ByteBuf value) throws IOException {
    LoopBridge.checkBlockingAllowed("Kv.set");
    try {
      byte[] data = ByteBufUtil.getBytes(value);
      String p = path(key);
      synchronized (fs) {
        List<String> parts = Namespace.split(p);
        if (parts.isEmpty()) {
          throw new FileSystemException(key, null, "the root is a dictionary");
        }
        StringBuilder parent = new StringBuilder();
        for (int i = 0; i < parts.size() - 1; i++) {
          parent.append('/').append(parts.get(i));
        }
        if (parent.length() > 0) {
          fs.mkdirs(parent.toString());
        }
        if (fs.isDirectory(p)) {
          throw new FileSystemException(key, null, "is a dictionary");
        }
        fs.write(p, data);
        fs.flush();
      }
    } finally {
      value.release();
    }
  }

  @Override
  public void remove(String key) throws IOException {
    LoopBridge.checkBlockingAllowed("Kv.remove");
    synchronized (fs) {
      if (Namespace.split(path(key)).isEmpty()) {
        for (FatEntry e : fs.list("/")) {
          fs.deleteRecursively("/" + e.name());
        }
        return;
      }
      if (fs.exists(path(key))) {
        fs.deleteRecursively(path(key));
        fs.flush();
      }
    }
  }

  @Override
  public Optional<EntryKind> exists(String key) throws IOException {
    LoopBridge.checkBlockingAllowed("Kv.exists");
    synchronized (fs) {
      if (!fs.exists(path(key))) {
        return Optional.empty();
      }
      return Optional.of(fs.isDirectory(path(key)) ? EntryKind.DICTIONARY : EntryKind.VALUE);
    }
  }

  @Override
  public List<Entry> list(String key) throws IOException {
    LoopBridge.checkBlockingAllowed("Kv.list");
    synchronized (fs) {
      List<Entry> out = new ArrayList<>();
      for (FatEntry e : fs.list(path(key))) {
        out.add(new Entry(e.name(), e.directory() ? EntryKind.DICTIONARY : EntryKind.VALUE));
      }
      out.sort(Comparator.comparing(Entry::name));
      return out;
    }
  }

  @Override
  public Instant lastModified(String key) throws IOException {
    LoopBridge.checkBlockingAllowed("Kv.lastModified");
    synchronized (fs) {
      if (Namespace.split(path(key)).isEmpty()) {
        LocalDateTime latest = null;
        for (FatEntry e : fs.list("/")) {
          if (latest == null || e.modified().isAfter(latest)) {
            latest = e.modified();
          }
        }
        return latest == null ? Instant.EPOCH : latest.atZone(fs.clock().getZone()).toInstant();
      }
      return fs.stat(path(key)).modified().atZone(fs.clock().getZone()).toInstant();
    }
  }

  @Override
  public long size(String key) throws IOException {
    LoopBridge.checkBlockingAllowed("Kv.size");
    synchronized (fs) {
      FatEntry e = fs.stat(path(key));
      if (e.directory()) {
        throw new FileSystemException(key, null, "is a dictionary, not a value");
      }
      return e.size();
    }
  }

  @Override
  public String toString() {
    return "FatKv[" + fs.type() + "]";
  }
}
