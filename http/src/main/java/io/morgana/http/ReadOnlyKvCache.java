package io.morgana.http;

import io.morgana.api.Kv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Kv} that nobody changes while it is served, remembered as it is read: what each key
 * names, the size and modification time of each value, and values up to a size limit whole. A
 * static website's content is such a store (the kernel opens its disk for itself alone), and
 * most requests then cost no call into the store — a FAT volume serialises its calls on one
 * lock. Larger values are read from the store in pieces each time ({@link #get(String, long,
 * int)}). Writes through the cache are refused ({@link AccessDeniedException}). Any thread.
 */
public final class ReadOnlyKvCache implements Kv {

  private record Meta(Optional<EntryKind> kind, long size, Instant modified, byte[] value) {}

  private final Kv store;
  private final int maxCachedValueBytes;
  private final long maxCachedBytes;
  private final ConcurrentHashMap<String, Meta> entries = new ConcurrentHashMap<>();
  private long cachedBytes;

  /**
   * @param store the store, which nothing may change while this cache is used
   * @param maxCachedValueBytes values up to this size are kept whole
   * @param maxCachedBytes the most bytes of values kept in all
   */
  public ReadOnlyKvCache(Kv store, int maxCachedValueBytes, long maxCachedBytes) {
    this.store = store;
    this.maxCachedValueBytes = maxCachedValueBytes;
    this.maxCachedBytes = maxCachedBytes;
  }

  private static String norm(String key) {
    int i = 0;
    while (i < key.length() && key.charAt(i) == '/') {
      i++;
    }
    return key.substring(i);
  }

  private Meta meta(String key) throws IOException {
    String k = norm(key);
    Meta m = entries.get(k);
    if (m != null) {
      return m;
    }
    Optional<EntryKind> kind = store.exists(k);
    if (kind.isEmpty() || kind.get() == EntryKind.DICTIONARY) {
      m = new Meta(kind, -1, kind.isEmpty() ? null : store.lastModified(k), null);
    } else {
      long size = store.size(k);
      Instant modified = store.lastModified(k);
      byte[] value = null;
      if (size <= maxCachedValueBytes && reserve(size)) {
        ByteBuf b = store.get(k, 0, (int) size).orElseThrow(() -> new NoSuchFileException(k));
        try {
          value = new byte[b.readableBytes()];
          b.getBytes(b.readerIndex(), value);
        } finally {
          b.release();
        }
      }
      m = new Meta(kind, size, modified, value);
    }
    Meta previous = entries.putIfAbsent(k, m);
    return previous != null ? previous : m;
  }

  private synchronized boolean reserve(long bytes) {
    if (cachedBytes + bytes > maxCachedBytes) {
      return false;
    }
    cachedBytes += bytes;
    return true;
  }

  private Meta value(String key) throws IOException {
    Meta m = meta(key);
    if (m.kind().isEmpty()) {
      throw new NoSuchFileException(key);
    }
    if (m.kind().get() != EntryKind.VALUE) {
      throw new java.nio.file.FileSystemException(key, null, "is a dictionary, not a value");
    }
    return m;
  }

  @Override
  public Optional<ByteBuf> get(String key) throws IOException {
    Meta m = meta(key);
    if (m.kind().isEmpty() || m.kind().get() != EntryKind.VALUE) {
      return Optional.empty();
    }
    return m.value() != null ? Optional.of(Unpooled.wrappedBuffer(m.value())) : store.get(norm(key));
  }

  @Override
  public Optional<ByteBuf> get(String key, long offset, int length) throws IOException {
    Meta m = meta(key);
    if (m.kind().isEmpty() || m.kind().get() != EntryKind.VALUE) {
      return Optional.empty();
    }
    if (m.value() == null) {
      return store.get(norm(key), offset, length);
    }
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset " + offset + " and length " + length + " must not be negative");
    }
    int from = (int) Math.min(offset, m.value().length);
    return Optional.of(Unpooled.wrappedBuffer(m.value(), from, Math.min(length, m.value().length - from)));
  }

  @Override
  public void set(String key, ByteBuf value) throws IOException {
    value.release();
    throw new AccessDeniedException(key, null, "read-only cache");
  }

  @Override
  public void remove(String key) throws IOException {
    throw new AccessDeniedException(key, null, "read-only cache");
  }

  @Override
  public Optional<EntryKind> exists(String key) throws IOException {
    return meta(key).kind();
  }

  @Override
  public List<Entry> list(String key) throws IOException {
    return store.list(norm(key));
  }

  @Override
  public Instant lastModified(String key) throws IOException {
    Meta m = meta(key);
    if (m.kind().isEmpty()) {
      throw new NoSuchFileException(key);
    }
    return m.modified();
  }

  @Override
  public long size(String key) throws IOException {
    return value(key).size();
  }

  @Override
  public String toString() {
    return "ReadOnlyKvCache[" + store + ", " + entries.size() + " keys]";
  }
}
