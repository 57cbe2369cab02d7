package io.morgana.xen.store.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A reusable flyweight over one {@code struct xsd_sockmsg} (Xen {@code io/xs_wire.h}) and the
 * payload that follows it, in a byte array. Four little-endian {@code uint32_t}s:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     type (XS_*)                               |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     req_id (echoed in the reply)              |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     tx_id (0: no transaction)                 |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     len (payload bytes, at most 4096)         | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     payload: NUL-terminated strings ...       | 16
 * </pre>
 *
 * <p>Accessors are absolute and do not check the length field against the array; {@link
 * XsHeader#parse} does. Setters return {@code this}.
 */
public final class XsPacket {

  /** Offset of {@code type}. */
  public static final int TYPE_OFFSET = 0;
  /** Offset of {@code req_id}. */
  public static final int REQ_ID_OFFSET = 4;
  /** Offset of {@code tx_id}. */
  public static final int TX_ID_OFFSET = 8;
  /** Offset of {@code len}. */
  public static final int LEN_OFFSET = 12;
  /** Offset of the payload; also {@code sizeof(struct xsd_sockmsg)}. */
  public static final int PAYLOAD_OFFSET = 16;

  private static final VarHandle U32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf;
  private int offset;

  /** A flyweight over {@code buf} at {@code offset}. */
  public static XsPacket wrap(byte[] buf, int offset) {
    return new XsPacket().rewrap(buf, offset);
  }

  /** Points this flyweight at another message; returns {@code this}. */
  public XsPacket rewrap(byte[] buf, int offset) {
    this.buf = buf;
    this.offset = offset;
    return this;
  }

  /** The raw {@code type} field. */
  public int type() {
    return (int) U32.get(buf, offset + TYPE_OFFSET);
  }

  /** The raw {@code req_id} field. */
  public int reqId() {
    return (int) U32.get(buf, offset + REQ_ID_OFFSET);
  }

  /** The raw {@code tx_id} field. */
  public int txId() {
    return (int) U32.get(buf, offset + TX_ID_OFFSET);
  }

  /** The raw {@code len} field (unsigned; compare with {@link Integer#compareUnsigned}). */
  public int length() {
    return (int) U32.get(buf, offset + LEN_OFFSET);
  }

  /** Sets {@code type}. */
  public XsPacket type(int type) {
    U32.set(buf, offset + TYPE_OFFSET, type);
    return this;
  }

  /** Sets {@code req_id}. */
  public XsPacket reqId(int reqId) {
    U32.set(buf, offset + REQ_ID_OFFSET, reqId);
    return this;
  }

  /** Sets {@code tx_id}. */
  public XsPacket txId(int txId) {
    U32.set(buf, offset + TX_ID_OFFSET, txId);
    return this;
  }

  /** Sets {@code len}. */
  public XsPacket length(int length) {
    U32.set(buf, offset + LEN_OFFSET, length);
    return this;
  }

  /** Offset in the array of the first payload byte. */
  public int payloadOffset() {
    return offset + PAYLOAD_OFFSET;
  }
}
