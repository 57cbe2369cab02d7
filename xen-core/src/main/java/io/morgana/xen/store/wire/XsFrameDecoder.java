package io.morgana.xen.store.wire;

import java.util.function.Consumer;

/**
 * Cuts a XenStore byte stream (the {@code rsp} ring of {@code xenstore_domain_interface}, or
 * {@code /dev/xen/xenbus}) into messages. Bytes may arrive in pieces of any size, messages may
 * straddle pieces. A header whose {@code len} exceeds {@code XENSTORE_PAYLOAD_MAX} makes the
 * stream unframeable: {@link #feed} throws and the decoder stays broken. Not thread-safe.
 */
public final class XsFrameDecoder {

  private final byte[] header = new byte[XsHeader.SIZE];
  private int headerFill;
  private XsHeader current;
  private byte[] payload;
  private int payloadFill;
  private String broken;

  /**
   * Consumes {@code buf[offset, offset+length)} and hands every completed frame (header and
   * payload, type unchecked) to {@code sink}.
   *
   * @throws MalformedXenStoreMessageException if a header is invalid; the decoder refuses further
   *     input
   */
  public void feed(byte[] buf, int offset, int length, Consumer<Frame> sink)
      throws MalformedXenStoreMessageException {
    if (broken != null) {
      throw new MalformedXenStoreMessageException("stream already broken: " + broken);
    }
    int end = offset + length;
    int i = offset;
    while (i < end) {
      if (current == null) {
        int n = Math.min(XsHeader.SIZE - headerFill, end - i);
        System.arraycopy(buf, i, header, headerFill, n);
        headerFill += n;
        i += n;
        if (headerFill < XsHeader.SIZE) {
          break;
        }
        try {
          current = XsHeader.parse(header, 0, XsHeader.SIZE);
        } catch (MalformedXenStoreMessageException e) {
          broken = e.getMessage();
          throw e;
        }
        payload = new byte[current.length()];
        payloadFill = 0;
      }
      int n = Math.min(payload.length - payloadFill, end - i);
      System.arraycopy(buf, i, payload, payloadFill, n);
      payloadFill += n;
      i += n;
      if (payloadFill == payload.length) {
        Frame f = new Frame(current, payload);
        current = null;
        payload = null;
        headerFill = 0;
        sink.accept(f);
      }
    }
  }

  /** Whether part of a message has been received and the rest is missing. */
  public boolean midMessage() {
    return headerFill > 0 || current != null;
  }

  /** Whether an invalid header broke the stream. */
  public boolean broken() {
    return broken != null;
  }

  /** A framed message whose type has not been checked yet. */
  public record Frame(XsHeader header, byte[] payload) {
    /** The message, if the type is known. */
    public XsMessage message() throws MalformedXenStoreMessageException {
      return XsMessage.of(header, payload);
    }
  }
}
