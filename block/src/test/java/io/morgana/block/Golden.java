package io.morgana.block;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/** Loads the golden images in {@code src/test/resources/io/morgana/block/golden} (see the README there). */
final class Golden {

  private Golden() {}

  private static final java.util.Map<String, byte[]> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  /** A fresh copy of the named golden image. */
  static byte[] image(String name) {
    return CACHE.computeIfAbsent(name, Golden::load).clone();
  }

  private static byte[] load(String name) {
    try (InputStream in = Golden.class.getResourceAsStream("golden/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource golden/" + name);
      }
      return new GZIPInputStream(in).readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RamBlock disk(String name) {
    return RamBlock.copyOf(CACHE.computeIfAbsent(name, Golden::load));
  }
}
