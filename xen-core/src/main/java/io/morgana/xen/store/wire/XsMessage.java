package io.morgana.xen.store.wire;

import java.util.Arrays;

/**
 * One whole XenStore message: a {@code struct xsd_sockmsg} header of a known type and its
 * payload (Xen {@code io/xs_wire.h}, {@code docs/misc/xenstore.txt}).
 *
 * @param type the message type
 * @param reqId {@code req_id}
 * @param txId {@code tx_id}
 * @param payload the payload, at most {@link XsHeader#PAYLOAD_MAX} bytes; not copied, do not
 *     modify
 */
public record XsMessage(XsMessageType type, int reqId, int txId, byte[] payload) {

  /** Checks the payload length. */
  public XsMessage {
    if (type == null || payload == null) {
      throw new NullPointerException("type and payload");
    }
    if (payload.length > XsHeader.PAYLOAD_MAX) {
      throw new IllegalArgumentException(
          "xenstore payload of " + payload.length + " bytes exceeds XENSTORE_PAYLOAD_MAX " + XsHeader.PAYLOAD_MAX);
    }
  }

  /**
   * The message made of a framed header and its payload.
   *
   * @throws MalformedXenStoreMessageException if the type is unknown or the payload length does
   *     not match the header
   */
  public static XsMessage of(XsHeader header, byte[] payload) throws MalformedXenStoreMessageException {
    if (payload.length != header.length()) {
      throw new MalformedXenStoreMessageException(
          "xenstore header says " + header.length() + " payload bytes, have " + payload.length);
    }
    return new XsMessage(XsMessageType.parse(header.type()), header.reqId(), header.txId(), payload);
  }

  /**
   * Parses exactly one message occupying {@code buf[offset, offset+length)}.
   *
   * @throws MalformedXenStoreMessageException for any bytes that are not exactly one message
   */
  public static XsMessage parse(byte[] buf, int offset, int length) throws MalformedXenStoreMessageException {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new MalformedXenStoreMessageException("range outside the buffer");
    }
    XsHeader h = XsHeader.parse(buf, offset, length);
    if (length != XsHeader.SIZE + h.length()) {
      throw new MalformedXenStoreMessageException(
          "xenstore message of " + length + " bytes, header says " + (XsHeader.SIZE + h.length()));
    }
    return of(h, Arrays.copyOfRange(buf, offset + XsHeader.SIZE, offset + length));
  }

  /** The header of this message. */
  public XsHeader header() {
    return new XsHeader(type.code(), reqId, txId, payload.length);
  }

  /** Bytes on the wire: header then payload. */
  public int encodedLength() {
    return XsHeader.SIZE + payload.length;
  }

  /** Writes header and payload at {@code offset}; returns the number of bytes written. */
  public int emit(byte[] buf, int offset) {
    XsPacket.wrap(buf, offset).type(type.code()).reqId(reqId).txId(txId).length(payload.length);
    System.arraycopy(payload, 0, buf, offset + XsHeader.SIZE, payload.length);
    return encodedLength();
  }

  /** This message as a new byte array. */
  public byte[] encode() {
    byte[] out = new byte[encodedLength()];
    emit(out, 0);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof XsMessage m
        && m.type == type
        && m.reqId == reqId
        && m.txId == txId
        && Arrays.equals(m.payload, payload);
  }

  @Override
  public int hashCode() {
    return ((type.hashCode() * 31 + reqId) * 31 + txId) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "XsMessage[" + type + " req_id=" + Integer.toUnsignedString(reqId) + " tx_id="
        + Integer.toUnsignedString(txId) + " len=" + payload.length + " " + XsPayloads.printable(payload) + "]";
  }
}
