package io.morgana.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.api.Kv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ReadOnlyKvCacheTest {

  final MapKv store = new MapKv();

  @Test
  void smallValues_readFromTheStoreOnce_largeOnesInPiecesEachTime() throws Exception {
    store.put("small.txt", "hello".getBytes(StandardCharsets.UTF_8));
    store.put("large.bin", new byte[5000]);
    ReadOnlyKvCache cache = new ReadOnlyKvCache(store, 1000, 10_000);
    for (int i = 0; i < 3; i++) {
      assertEquals(Kv.EntryKind.VALUE, cache.exists("/small.txt").orElseThrow());
      assertEquals(5, cache.size("small.txt"));
      ByteBuf b = cache.get("small.txt", 1, 3).orElseThrow();
      assertEquals("ell", b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    assertEquals(1, store.rangedReads, "one read of the small value");
    for (int i = 0; i < 3; i++) {
      ByteBuf b = cache.get("large.bin", 4000, 2000).orElseThrow();
      assertEquals(1000, b.readableBytes());
      b.release();
    }
    assertEquals(4, store.rangedReads, "the large value is read each time");
  }

  @Test
  void theTotalLimit_keepsLaterValuesOutOfMemory() throws Exception {
    store.put("a", new byte[800]);
    store.put("b", new byte[800]);
    ReadOnlyKvCache cache = new ReadOnlyKvCache(store, 1000, 1000);
    cache.get("a", 0, 10).orElseThrow().release();
    cache.get("a", 0, 10).orElseThrow().release();
    cache.get("b", 0, 10).orElseThrow().release();
    cache.get("b", 0, 10).orElseThrow().release();
    assertEquals(1 + 2, store.rangedReads, "a read once and kept; b over the limit, read each time");
  }

  @Test
  void missingDirectoriesAndWrites() throws Exception {
    store.put("dir/x", new byte[1]);
    ReadOnlyKvCache cache = new ReadOnlyKvCache(store, 1000, 1000);
    assertFalse(cache.exists("nope").isPresent());
    assertFalse(cache.get("nope", 0, 1).isPresent());
    assertEquals(Kv.EntryKind.DICTIONARY, cache.exists("dir").orElseThrow());
    assertFalse(cache.get("dir").isPresent());
    assertThrows(NoSuchFileException.class, () -> cache.size("nope"));
    assertThrows(AccessDeniedException.class, () -> cache.set("x", Unpooled.buffer(1)));
    assertThrows(AccessDeniedException.class, () -> cache.remove("x"));
  }
}
