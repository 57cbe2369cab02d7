package io.morgana.xen.store.wire;

/**
 * The one exception of the XenStore wire codec: the bytes are not a valid {@code xs_wire.h}
 * message (length over {@link XsHeader#PAYLOAD_MAX}, unknown type, a string without its NUL,
 * a field that is not what the message type requires).
 */
public final class MalformedXenStoreMessageException extends Exception {

  /** A message saying what is wrong with the bytes. */
  public MalformedXenStoreMessageException(String message) {
    super(message);
  }
}
