package io.morgana.xen.store;

/**
 * The server's reply was malformed (wrong length, unknown type, missing NUL, a reply of another
 * type than the request) or the stream broke; {@link #errnoName()} is {@code EIO}.
 */
public final class XenStoreProtocolException extends XenStoreException {

  /** A protocol error described by {@code message}. */
  public XenStoreProtocolException(String message, Throwable cause) {
    super("EIO", message, cause);
  }
}
