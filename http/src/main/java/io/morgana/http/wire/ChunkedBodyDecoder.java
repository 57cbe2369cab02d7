package io.morgana.http.wire;

import io.netty.buffer.ByteBuf;

/**
 * Decodes a chunked request body (RFC 9112 §7.1) as its bytes arrive:
 *
 * <pre>
 *   chunked-body   = *chunk last-chunk trailer-section CRLF
 *   chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk     = 1*("0") [ chunk-ext ] CRLF
 * </pre>
 *
 * <p>Chunk extensions are skipped (§7.1.1: a recipient ignores those it does not understand);
 * trailer fields are read and discarded (§7.1.2). A chunk-size line or trailer line longer than
 * {@value #MAX_LINE} bytes, or a body larger than the limit given, is refused (400, 413). One
 * decoder per body.
 */
public final class ChunkedBodyDecoder {

  /** The longest chunk-size or trailer line accepted. */
  public static final int MAX_LINE = 4096;

  private enum State { SIZE, DATA, DATA_END, TRAILER, DONE }

  private final long maxBodyBytes;
  private State state = State.SIZE;
  private long remaining;
  private long total;
  private int trailerBytes;

  /** @param maxBodyBytes the largest decoded body accepted (larger: 413) */
  public ChunkedBodyDecoder(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Moves what {@code in} holds of the body to {@code out}, consuming it from {@code in}.
   *
   * @return true once the body is complete: {@code in}'s reader index then stands on the byte
   *     after it (a pipelined request)
   * @throws MalformedRequestException on bad chunk syntax or a body over the limit
   */
  public boolean decode(ByteBuf in, ByteBuf out) throws MalformedRequestException {
    while (true) {
      switch (state) {
        case SIZE -> {
          int lf = lineEnd(in);
          if (lf < 0) {
            return false;
          }
          long size = chunkSize(in, in.readerIndex(), lf);
          in.readerIndex(lf + 1);
          if (size == 0) {
            state = State.TRAILER;
          } else {
            if (total + size > maxBodyBytes) {
              throw new MalformedRequestException(413, "chunked body larger than " + maxBodyBytes + " bytes");
            }
            remaining = size;
            state = State.DATA;
          }
        }
        case DATA -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          if (n == 0) {
            return false;
          }
          out.writeBytes(in, n);
          remaining -= n;
          total += n;
          if (remaining == 0) {
            state = State.DATA_END;
          }
        }
        case DATA_END -> {
          if (in.readableBytes() < 1) {
            return false;
          }
          byte b = in.getByte(in.readerIndex());
          if (b == '\n') {
            in.skipBytes(1);
          } else if (b == '\r') {
            if (in.readableBytes() < 2) {
              return false;
            }
            if (in.getByte(in.readerIndex() + 1) != '\n') {
              throw new MalformedRequestException(400, "chunk data not followed by CRLF");
            }
            in.skipBytes(2);
          } else {
            throw new MalformedRequestException(400, "chunk data longer than its size");
          }
          state = State.SIZE;
        }
        case TRAILER -> {
          int lf = lineEnd(in);
          if (lf < 0) {
            return false;
          }
          int len = lf - in.readerIndex();
          trailerBytes += len + 1;
          if (trailerBytes > MAX_LINE) {
            throw new MalformedRequestException(400, "trailer section too large");
          }
          boolean empty = len == 0 || (len == 1 && in.getByte(in.readerIndex()) == '\r');
          in.readerIndex(lf + 1);
          if (empty) {
            state = State.DONE;
            return true;
          }
        }
        case DONE -> {
          return true;
        }
        default -> throw new IllegalStateException(state.toString());
      }
    }
  }

  /** Decoded body bytes so far. */
  public long decodedBytes() {
    return total;
  }

  private static int lineEnd(ByteBuf in) throws MalformedRequestException {
    int from = in.readerIndex();
    int to = Math.min(in.writerIndex(), from + MAX_LINE);
    int lf = from >= to ? -1 : in.indexOf(from, to, (byte) '\n');
    if (lf < 0 && in.readableBytes() >= MAX_LINE) {
      throw new MalformedRequestException(400, "chunk line longer than " + MAX_LINE + " bytes");
    }
    return lf;
  }

  private static long chunkSize(ByteBuf in, int from, int lf) throws MalformedRequestException {
    long size = 0;
    int digits = 0;
    int i = from;
    for (; i < lf; i++) {
      int d = Character.digit((char) (in.getByte(i) & 0xff), 16);
      if (d < 0) {
        break;
      }
      if (++digits > 15) {
        throw new MalformedRequestException(413, "chunk size too large");
      }
      size = size << 4 | d;
    }
    if (digits == 0) {
      throw new MalformedRequestException(400, "chunk line without a size");
    }
    for (; i < lf; i++) {
      int c = in.getByte(i) & 0xff;
      if (c == ';' || c == ' ' || c == '\t') {
        break;
      }
      if (c == '\r' && i == lf - 1) {
        break;
      }
      throw new MalformedRequestException(400, "malformed chunk size");
    }
    for (; i < lf; i++) {
      int c = in.getByte(i) & 0xff;
      if ((c < 0x20 && c != '\t' && !(c == '\r' && i == lf - 1)) || c == 0x7f) {
        throw new MalformedRequestException(400, "control character in a chunk extension");
      }
    }
    return size;
  }
}
