package io.morgana.http;

import io.morgana.api.Kv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** A case-sensitive in-memory {@link Kv} for handler tests: values in a sorted map, dictionaries implied by keys. */
final class MapKv implements Kv {

  final TreeMap<String, byte[]> values = new TreeMap<>();
  Instant modified = Instant.parse("2026-01-02T03:04:05Z");
  int rangedReads;

  private static String norm(String key) {
    String k = key;
    while (k.startsWith("/")) {
      k = k.substring(1);
    }
    return k;
  }

  void put(String key, byte[] value) {
    values.put(norm(key), value);
  }

  @Override
  public Optional<ByteBuf> get(String key) {
    byte[] v = values.get(norm(key));
    return v == null ? Optional.empty() : Optional.of(Unpooled.wrappedBuffer(v.clone()));
  }

  @Override
  public Optional<ByteBuf> get(String key, long offset, int length) throws IOException {
    rangedReads++;
    return Kv.super.get(key, offset, length);
  }

  @Override
  public void set(String key, ByteBuf value) {
    try {
      values.put(norm(key), ByteBufUtil.getBytes(value));
    } finally {
      value.release();
    }
  }

  @Override
  public void remove(String key) {
    values.remove(norm(key));
  }

  @Override
  public Optional<EntryKind> exists(String key) {
    String k = norm(key);
    if (values.containsKey(k)) {
      return Optional.of(EntryKind.VALUE);
    }
    String prefix = k.isEmpty() ? "" : k + "/";
    String next = values.ceilingKey(prefix);
    return next != null && next.startsWith(prefix) ? Optional.of(EntryKind.DICTIONARY) : Optional.empty();
  }

  @Override
  public List<Entry> list(String key) {
    return new ArrayList<>();
  }

  @Override
  public Instant lastModified(String key) throws IOException {
    if (exists(key).isEmpty()) {
      throw new NoSuchFileException(key);
    }
    return modified;
  }

  @Override
  public long size(String key) throws IOException {
    byte[] v = values.get(norm(key));
    if (v == null) {
      throw new NoSuchFileException(key);
    }
    return v.length;
  }
}
