package io.morgana.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;

/**
 * The content of a response, of known length, read in pieces as the server sends it: a large
 * file is streamed without being held whole.
 */
public interface Content {

  /** No bytes. */
  Content EMPTY = of(new byte[0]);

  /** How many bytes; the {@code Content-Length}. */
  long length();

  /**
   * Up to {@code maxBytes} bytes from {@code offset} (at least one while {@code offset <
   * length()}). Called from the connection's thread; may block.
   *
   * @return a buffer the caller owns and releases
   */
  ByteBuf read(long offset, int maxBytes) throws IOException;

  /** {@code bytes}, not copied: the array must not change afterwards. */
  static Content of(byte[] bytes) {
    return new Content() {
      @Override
      public long length() {
        return bytes.length;
      }

      @Override
      public ByteBuf read(long offset, int maxBytes) {
        int from = (int) Math.min(offset, bytes.length);
        return Unpooled.wrappedBuffer(bytes, from, Math.min(maxBytes, bytes.length - from));
      }
    };
  }

  /** {@code length} bytes of this content from {@code offset}: the body of a 206. */
  default Content slice(long offset, long length) {
    if (offset < 0 || length < 0 || offset + length > length()) {
      throw new IllegalArgumentException("slice " + offset + "+" + length + " of " + length());
    }
    Content whole = this;
    return new Content() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public ByteBuf read(long at, int maxBytes) throws IOException {
        return whole.read(offset + at, (int) Math.min(maxBytes, Math.max(0, length - at)));
      }
    };
  }
}
