package io.morgana.xen.store.wire;

/**
 * A validated {@code struct xsd_sockmsg} (Xen {@code io/xs_wire.h}): 16 bytes, four little-endian
 * u32s. {@code type} stays a raw number so that a reply of an unknown type can still be framed
 * (and refused by {@link XsMessage#of}); {@code length} is at most {@link #PAYLOAD_MAX}.
 *
 * @param type the {@code XS_*} number
 * @param reqId {@code req_id}, chosen by the client and echoed in the reply; 0 in a watch event
 * @param txId {@code tx_id}, 0 outside a transaction
 * @param length {@code len}, payload bytes following the header
 */
public record XsHeader(int type, int reqId, int txId, int length) {

  /** {@code sizeof(struct xsd_sockmsg)}. */
  public static final int SIZE = XsPacket.PAYLOAD_OFFSET;

  /** {@code XENSTORE_PAYLOAD_MAX}: the largest payload in either direction. */
  public static final int PAYLOAD_MAX = 4096;

  /** {@code XENSTORE_ABS_PATH_MAX}: the longest absolute path. */
  public static final int ABS_PATH_MAX = 3072;

  /** {@code XENSTORE_REL_PATH_MAX}: the longest relative path. */
  public static final int REL_PATH_MAX = 2048;

  /** Checks {@code 0 <= length <= PAYLOAD_MAX}. */
  public XsHeader {
    if (length < 0 || length > PAYLOAD_MAX) {
      throw new IllegalArgumentException("payload length " + length + " outside 0.." + PAYLOAD_MAX);
    }
  }

  /**
   * Reads a header at {@code offset}.
   *
   * @throws MalformedXenStoreMessageException if fewer than 16 bytes are there or {@code len}
   *     exceeds {@link #PAYLOAD_MAX}
   */
  public static XsHeader parse(byte[] buf, int offset, int available)
      throws MalformedXenStoreMessageException {
    if (offset < 0 || available < SIZE || offset > buf.length - SIZE) {
      throw new MalformedXenStoreMessageException(
          "xenstore header needs " + SIZE + " bytes, have " + Math.max(0, Math.min(available, buf.length - Math.max(0, offset))));
    }
    XsPacket p = XsPacket.wrap(buf, offset);
    int len = p.length();
    if (Integer.compareUnsigned(len, PAYLOAD_MAX) > 0) {
      throw new MalformedXenStoreMessageException(
          "xenstore payload length " + Integer.toUnsignedString(len) + " exceeds XENSTORE_PAYLOAD_MAX " + PAYLOAD_MAX);
    }
    return new XsHeader(p.type(), p.reqId(), p.txId(), len);
  }

  /** Writes this header at {@code offset} of {@code buf}. */
  public void emit(byte[] buf, int offset) {
    XsPacket.wrap(buf, offset).type(type).reqId(reqId).txId(txId).length(length);
  }

  /** The message type, or {@code null} if {@link #type} is not one. */
  public XsMessageType messageType() {
    return XsMessageType.ofCode(type);
  }
}
