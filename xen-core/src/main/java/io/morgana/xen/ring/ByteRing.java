package io.morgana.xen.ring;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One direction of a byte ring in shared memory: the {@code in}/{@code out} rings of {@code
 * struct xencons_interface} ({@code /usr/include/xen/io/console.h}) and the {@code req}/{@code
 * rsp} rings of {@code struct xenstore_domain_interface} ({@code io/xs_wire.h}). A data array of
 * a power-of-two size and two free-running u32 indices; byte {@code i} lives at {@code data[i &
 * (size - 1)]} ({@code MASK_XENCONS_IDX}).
 *
 * <p>The producer ({@link #write}) reads {@code cons} (acquire, then a full fence as Linux's
 * {@code __write_console} does), copies, and publishes {@code prod} with release semantics
 * ({@code wmb}). The consumer ({@link #read}) reads {@code prod} (acquire, {@code rmb}), copies
 * out, then a full fence ({@code mb}) before publishing {@code cons}. Both sides then notify the
 * peer's event channel themselves.
 *
 * <p>{@code prod - cons > size} means the peer corrupted the indices: {@link RingException}. The
 * data index is always masked, so no index value reaches outside the array.
 *
 * <p>Threads: one producer and one consumer per ring, each on one thread at a time.
 */
public final class ByteRing {

  /** {@code offsetof(struct xencons_interface, in)}. */
  public static final int CONS_IN_OFFSET = 0;
  /** {@code sizeof(in)}. */
  public static final int CONS_IN_SIZE = 1024;
  /** {@code offsetof(struct xencons_interface, out)}. */
  public static final int CONS_OUT_OFFSET = 1024;
  /** {@code sizeof(out)}. */
  public static final int CONS_OUT_SIZE = 2048;
  /** {@code offsetof(in_cons)}. */
  public static final int CONS_IN_CONS_OFFSET = 3072;
  /** {@code offsetof(in_prod)}. */
  public static final int CONS_IN_PROD_OFFSET = 3076;
  /** {@code offsetof(out_cons)}. */
  public static final int CONS_OUT_CONS_OFFSET = 3080;
  /** {@code offsetof(out_prod)}. */
  public static final int CONS_OUT_PROD_OFFSET = 3084;
  /** {@code sizeof(struct xencons_interface)}. */
  public static final int CONS_INTERFACE_SIZE = 3088;

  private final MemorySegment shared;
  private final long dataOffset;
  private final int size;
  private final int consOffset;
  private final int prodOffset;

  /**
   * A ring in {@code shared}: {@code size} data bytes at {@code dataOffset}, indices at {@code
   * consOffset} and {@code prodOffset} (4-byte aligned).
   */
  public ByteRing(MemorySegment shared, long dataOffset, int size, int consOffset, int prodOffset) {
    if (Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two: " + size);
    }
    if (dataOffset < 0 || dataOffset + size > shared.byteSize()
        || consOffset < 0 || consOffset + 4 > shared.byteSize()
        || prodOffset < 0 || prodOffset + 4 > shared.byteSize()) {
      throw new IllegalArgumentException("ring does not fit in a segment of " + shared.byteSize() + " bytes");
    }
    if (consOffset % 4 != 0 || prodOffset % 4 != 0) {
      throw new IllegalArgumentException("indices must be 4-byte aligned: " + consOffset + ", " + prodOffset);
    }
    this.shared = shared;
    this.dataOffset = dataOffset;
    this.size = size;
    this.consOffset = consOffset;
    this.prodOffset = prodOffset;
  }

  /** The console's input ring ({@code in}: backend to guest) in a {@code xencons_interface}. */
  public static ByteRing consoleIn(MemorySegment page) {
    return new ByteRing(page, CONS_IN_OFFSET, CONS_IN_SIZE, CONS_IN_CONS_OFFSET, CONS_IN_PROD_OFFSET);
  }

  /** The console's output ring ({@code out}: guest to backend) in a {@code xencons_interface}. */
  public static ByteRing consoleOut(MemorySegment page) {
    return new ByteRing(page, CONS_OUT_OFFSET, CONS_OUT_SIZE, CONS_OUT_CONS_OFFSET, CONS_OUT_PROD_OFFSET);
  }

  /** Bytes in the data array. */
  public int size() {
    return size;
  }

  /** The producer index as stored in shared memory. */
  public int prod() {
    return SharedRingLayout.load(shared, prodOffset);
  }

  /** The consumer index as stored in shared memory. */
  public int cons() {
    return SharedRingLayout.load(shared, consOffset);
  }

  /**
   * Bytes waiting to be read.
   *
   * @throws RingException if the indices are corrupt
   */
  public int available() {
    int cons = SharedRingLayout.load(shared, consOffset);
    int prod = SharedRingLayout.load(shared, prodOffset);
    return used(prod, cons);
  }

  /**
   * Bytes that may be written now.
   *
   * @throws RingException if the indices are corrupt
   */
  public int free() {
    return size - available();
  }

  private int used(int prod, int cons) {
    int used = prod - cons;
    if (Integer.compareUnsigned(used, size) > 0) {
      throw new RingException(
          "byte ring indices corrupt: prod " + Integer.toUnsignedString(prod) + " cons "
              + Integer.toUnsignedString(cons) + " differ by more than " + size);
    }
    return used;
  }

  /**
   * Producer: copies as many of {@code length} bytes from {@code source} at {@code offset} as fit
   * and publishes them.
   *
   * @return bytes written, 0 when the ring is full
   * @throws RingException if the indices are corrupt
   */
  public int write(MemorySegment source, long offset, int length) {
    int cons = SharedRingLayout.load(shared, consOffset);
    VarHandle.fullFence(); // mb(): cons read before we overwrite the space it freed
    int prod = SharedRingLayout.loadOpaque(shared, prodOffset);
    int n = Math.min(length, size - used(prod, cons));
    int at = prod & (size - 1);
    int first = Math.min(n, size - at);
    MemorySegment.copy(source, offset, shared, dataOffset + at, first);
    if (n > first) {
      MemorySegment.copy(source, offset + first, shared, dataOffset, n - first);
    }
    if (n > 0) {
      SharedRingLayout.storeRelease(shared, prodOffset, prod + n); // wmb(); prod += n
    }
    return n;
  }

  /**
   * Producer: writes as many readable bytes of {@code source} as fit, advancing its reader index.
   *
   * @return bytes written
   */
  public int write(ByteBuf source) {
    int length = Math.min(source.readableBytes(), size);
    if (length == 0) {
      return 0;
    }
    ByteBuffer nio = source.nioBuffer(source.readerIndex(), length);
    int n = write(MemorySegment.ofBuffer(nio), 0, length);
    source.skipBytes(n);
    return n;
  }

  /**
   * Consumer: copies up to {@code length} waiting bytes into {@code destination} at {@code
   * offset} and releases their space.
   *
   * @return bytes read, 0 when the ring is empty
   * @throws RingException if the indices are corrupt
   */
  public int read(MemorySegment destination, long offset, int length) {
    int prod = SharedRingLayout.load(shared, prodOffset); // rmb(): prod before data
    int cons = SharedRingLayout.loadOpaque(shared, consOffset);
    int n = Math.min(length, used(prod, cons));
    int at = cons & (size - 1);
    int first = Math.min(n, size - at);
    MemorySegment.copy(shared, dataOffset + at, destination, offset, first);
    if (n > first) {
      MemorySegment.copy(shared, dataOffset, destination, offset + first, n - first);
    }
    if (n > 0) {
      VarHandle.fullFence(); // mb(): data read before the space is released
      SharedRingLayout.storeRelease(shared, consOffset, cons + n);
    }
    return n;
  }

  /**
   * Consumer: reads waiting bytes into {@code destination}, up to its writable bytes, advancing
   * its writer index.
   *
   * @return bytes read
   */
  public int read(ByteBuf destination) {
    int length = Math.min(destination.writableBytes(), size);
    if (length == 0) {
      return 0;
    }
    int n;
    if (destination.nioBufferCount() == 1) {
      ByteBuffer nio = destination.nioBuffer(destination.writerIndex(), length);
      n = read(MemorySegment.ofBuffer(nio), 0, length);
      destination.writerIndex(destination.writerIndex() + n);
    } else {
      // Several components (a CompositeByteBuf): nioBuffer() would be a copy, and the bytes
      // consumed from the ring would be lost. Read into an array, then copy in.
      byte[] copy = new byte[length];
      n = read(MemorySegment.ofArray(copy), 0, length);
      destination.writeBytes(copy, 0, n);
    }
    return n;
  }
}
