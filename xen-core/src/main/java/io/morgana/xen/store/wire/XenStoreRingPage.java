package io.morgana.xen.store.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A flyweight over {@code struct xenstore_domain_interface} (Xen {@code io/xs_wire.h}), the page
 * shared between a guest and xenstored, and the byte-ring rules of Xen {@code
 * docs/misc/xenstore-ring.txt}:
 *
 * <pre>
 * offset  size  field
 *      0  1024  char req[XENSTORE_RING_SIZE]   guest -> xenstored
 *   1024  1024  char rsp[XENSTORE_RING_SIZE]   xenstored -> guest (replies, watch events)
 *   2048     4  XENSTORE_RING_IDX req_cons     written by the server
 *   2052     4  XENSTORE_RING_IDX req_prod     written by the guest
 *   2056     4  XENSTORE_RING_IDX rsp_cons     written by the guest
 *   2060     4  XENSTORE_RING_IDX rsp_prod     written by the server
 *   2064     4  uint32_t server_features       XENSTORE_SERVER_FEATURE_*
 *   2068     4  uint32_t connection            XENSTORE_CONNECTED / XENSTORE_RECONNECT
 *   2072     4  uint32_t error                 XENSTORE_ERROR_*
 *   2076        sizeof
 * </pre>
 *
 * Indices are free-running u32 byte counts; a slot is {@code MASK_XENSTORE_IDX(idx) = idx & 1023}.
 * The writer reads the consumer index, full barrier, copies, write barrier, advances the producer;
 * the reader reads the producer, read barrier, copies, full barrier, advances the consumer. A
 * peer whose indices are more than 1024 apart is refused with {@link
 * MalformedXenStoreMessageException}; offsets are always masked, so no index reaches outside
 * the page.
 */
public final class XenStoreRingPage {

  /** {@code XENSTORE_RING_SIZE}. */
  public static final int RING_SIZE = 1024;
  /** Offset of {@code req[]}. */
  public static final int REQ_OFFSET = 0;
  /** Offset of {@code rsp[]}. */
  public static final int RSP_OFFSET = 1024;
  /** Offset of {@code req_cons}. */
  public static final int REQ_CONS_OFFSET = 2048;
  /** Offset of {@code req_prod}. */
  public static final int REQ_PROD_OFFSET = 2052;
  /** Offset of {@code rsp_cons}. */
  public static final int RSP_CONS_OFFSET = 2056;
  /** Offset of {@code rsp_prod}. */
  public static final int RSP_PROD_OFFSET = 2060;
  /** Offset of {@code server_features}. */
  public static final int SERVER_FEATURES_OFFSET = 2064;
  /** Offset of {@code connection}. */
  public static final int CONNECTION_OFFSET = 2068;
  /** Offset of {@code error}. */
  public static final int ERROR_OFFSET = 2072;
  /** {@code sizeof(struct xenstore_domain_interface)}. */
  public static final int SIZE = 2076;

  /** {@code XENSTORE_SERVER_FEATURE_RECONNECTION}. */
  public static final int SERVER_FEATURE_RECONNECTION = 1;
  /** {@code XENSTORE_SERVER_FEATURE_ERROR}. */
  public static final int SERVER_FEATURE_ERROR = 2;
  /** {@code XENSTORE_CONNECTED}. */
  public static final int CONNECTED = 0;
  /** {@code XENSTORE_RECONNECT}. */
  public static final int RECONNECT = 1;
  /** {@code XENSTORE_ERROR_NONE}. */
  public static final int ERROR_NONE = 0;
  /** {@code XENSTORE_ERROR_COMM}. */
  public static final int ERROR_COMM = 1;
  /** {@code XENSTORE_ERROR_RINGIDX}. */
  public static final int ERROR_RINGIDX = 2;
  /** {@code XENSTORE_ERROR_PROTO}. */
  public static final int ERROR_PROTO = 3;

  private static final VarHandle U32 =
      ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

  private final MemorySegment page;

  private XenStoreRingPage(MemorySegment page) {
    if (page.byteSize() < SIZE) {
      throw new IllegalArgumentException("xenstore page needs " + SIZE + " bytes, segment has " + page.byteSize());
    }
    this.page = page;
  }

  /** A view of {@code page} (at least {@link #SIZE} bytes). */
  public static XenStoreRingPage wrap(MemorySegment page) {
    return new XenStoreRingPage(page);
  }

  /** The underlying segment. */
  public MemorySegment segment() {
    return page;
  }

  /** Reads a u32 field with acquire semantics. */
  public int get(int fieldOffset) {
    return (int) U32.getAcquire(page, (long) fieldOffset);
  }

  /** Writes a u32 field with release semantics. */
  public void set(int fieldOffset, int value) {
    U32.setRelease(page, (long) fieldOffset, value);
  }

  /** Guest side: appends up to {@code length} bytes to {@code req[]}; returns how many fit. */
  public int writeRequest(byte[] src, int offset, int length) throws MalformedXenStoreMessageException {
    return write(REQ_OFFSET, REQ_CONS_OFFSET, REQ_PROD_OFFSET, src, offset, length);
  }

  /** Server side: appends up to {@code length} bytes to {@code rsp[]}; returns how many fit. */
  public int writeResponse(byte[] src, int offset, int length) throws MalformedXenStoreMessageException {
    return write(RSP_OFFSET, RSP_CONS_OFFSET, RSP_PROD_OFFSET, src, offset, length);
  }

  /** Server side: takes up to {@code length} bytes from {@code req[]}; returns how many. */
  public int readRequest(byte[] dst, int offset, int length) throws MalformedXenStoreMessageException {
    return read(REQ_OFFSET, REQ_CONS_OFFSET, REQ_PROD_OFFSET, dst, offset, length);
  }

  /** Guest side: takes up to {@code length} bytes from {@code rsp[]}; returns how many. */
  public int readResponse(byte[] dst, int offset, int length) throws MalformedXenStoreMessageException {
    return read(RSP_OFFSET, RSP_CONS_OFFSET, RSP_PROD_OFFSET, dst, offset, length);
  }

  /** Bytes waiting in {@code req[]}. */
  public int requestsPending() throws MalformedXenStoreMessageException {
    return fill(REQ_CONS_OFFSET, REQ_PROD_OFFSET);
  }

  /** Bytes waiting in {@code rsp[]}. */
  public int responsesPending() throws MalformedXenStoreMessageException {
    return fill(RSP_CONS_OFFSET, RSP_PROD_OFFSET);
  }

  private int fill(int consOffset, int prodOffset) throws MalformedXenStoreMessageException {
    int cons = get(consOffset);
    int prod = get(prodOffset);
    int used = prod - cons;
    if (Integer.compareUnsigned(used, RING_SIZE) > 0) {
      throw new MalformedXenStoreMessageException(
          "xenstore ring indices apart by " + Integer.toUnsignedString(used) + " > " + RING_SIZE
              + " (cons=" + Integer.toUnsignedString(cons) + " prod=" + Integer.toUnsignedString(prod) + ")");
    }
    return used;
  }

  private int write(int data, int consOffset, int prodOffset, byte[] src, int offset, int length)
      throws MalformedXenStoreMessageException {
    int used = fill(consOffset, prodOffset);
    VarHandle.fullFence();
    int prod = get(prodOffset);
    int n = Math.min(RING_SIZE - used, length);
    int slot = prod & (RING_SIZE - 1);
    int first = Math.min(n, RING_SIZE - slot);
    MemorySegment.copy(src, offset, page, ValueLayout.JAVA_BYTE, data + slot, first);
    MemorySegment.copy(src, offset + first, page, ValueLayout.JAVA_BYTE, data, n - first);
    VarHandle.storeStoreFence();
    set(prodOffset, prod + n);
    return n;
  }

  private int read(int data, int consOffset, int prodOffset, byte[] dst, int offset, int length)
      throws MalformedXenStoreMessageException {
    int used = fill(consOffset, prodOffset);
    VarHandle.loadLoadFence();
    int cons = get(consOffset);
    int n = Math.min(used, length);
    int slot = cons & (RING_SIZE - 1);
    int first = Math.min(n, RING_SIZE - slot);
    MemorySegment.copy(page, ValueLayout.JAVA_BYTE, data + slot, dst, offset, first);
    MemorySegment.copy(page, ValueLayout.JAVA_BYTE, data, dst, offset + first, n - first);
    VarHandle.fullFence();
    set(consOffset, cons + n);
    return n;
  }
}
