package io.morgana.api;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A key-value store with hierarchical keys, the counterpart of MirageOS's {@code Mirage_kv.RW}.
 *
 * <p>Keys are paths of segments separated by {@code /}, such as {@code "site/index.html"}; a
 * leading {@code /} is ignored. A key names either a value or a dictionary (the parent of other
 * keys). Backed by a file system ({@code fs-fat}) or memory.
 *
 * <p><b>What keys a store accepts, and how it compares them, is the backing store's.</b> A
 * FAT-backed store ({@code FatFsModule}) accepts VFAT long names as segments (up to 255
 * characters; not {@code " * : < > ? \ |} or control characters; no trailing space or period) and
 * compares keys <em>case-insensitively</em>: {@code "notes/todo"} and {@code "NOTES/TODO"} are one
 * entry. Portable applications use lower-case ASCII keys, or keys that do not differ by case
 * alone.
 *
 * <p><b>Threads:</b> calls block; application threads only (made on a kernel loop thread, a call
 * fails at once with an {@link IllegalStateException} naming it; a loop callback hands blocking
 * work to {@code EventLoop.offload}). Failures are {@link IOException}s
 * from {@code java.nio.file} where one fits ({@link java.nio.file.NoSuchFileException}, {@link
 * java.nio.file.DirectoryNotEmptyException}, …), with the key in the message.
 */
public interface Kv {

  /** The value of {@code key}, or empty when there is none. The caller owns and releases it. */
  Optional<ByteBuf> get(String key) throws IOException;

  /**
   * Part of the value of {@code key}: up to {@code length} bytes from byte {@code offset} — fewer
   * at the end of the value, none from its end on — or empty when there is no value. For
   * streaming a large value in pieces. The default reads the whole value and slices it; a store
   * that can read a range alone overrides it. The caller owns and releases the buffer.
   *
   * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
   */
  default Optional<ByteBuf> get(String key, long offset, int length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset " + offset + " and length " + length + " must not be negative");
    }
    Optional<ByteBuf> whole = get(key);
    if (whole.isEmpty()) {
      return whole;
    }
    ByteBuf value = whole.get();
    try {
      int from = (int) Math.min(offset, value.readableBytes());
      int n = Math.min(length, value.readableBytes() - from);
      return Optional.of(value.retainedSlice(value.readerIndex() + from, n));
    } finally {
      value.release();
    }
  }

  /**
   * Sets the value of {@code key}, creating parent dictionaries as needed; a reader sees the old
   * or the new value, never part of one. Takes ownership of {@code value}.
   */
  void set(String key, ByteBuf value) throws IOException;

  /** Removes {@code key}: a value, or a dictionary with everything below it. Missing keys are fine. */
  void remove(String key) throws IOException;

  /** Whether {@code key} names a value, a dictionary, or nothing. */
  Optional<EntryKind> exists(String key) throws IOException;

  /** The entries directly below dictionary {@code key} ({@code ""} for the root), sorted by name. */
  List<Entry> list(String key) throws IOException;

  /** When the value or dictionary at {@code key} last changed. */
  Instant lastModified(String key) throws IOException;

  /** Size in bytes of the value at {@code key}. */
  long size(String key) throws IOException;

  /** What a key names. */
  enum EntryKind {
    VALUE,
    DICTIONARY
  }

  /**
   * One entry of a dictionary.
   *
   * @param name the last segment of the key
   * @param kind value or dictionary
   */
  record Entry(String name, EntryKind kind) {}
}
