package io.morgana.xen.store;

import io.morgana.xen.store.wire.XsError;

/**
 * A XenStore request failed: the server answered {@code XS_ERROR} with one of the strings of
 * {@code xsd_errors[]} (Xen {@code io/xs_wire.h}), or the client refused the request (bad path,
 * payload over {@code XENSTORE_PAYLOAD_MAX}), or the connection broke. {@link #errnoName()} is
 * the string as received; {@link #error()} the matching {@link XsError} ({@link XsError#EIO} for
 * a string Xen does not define).
 */
public class XenStoreException extends RuntimeException {

  private final String errnoName;
  private final XsError error;

  /** An error named {@code errnoName} (e.g. {@code "ENOENT"}) with a message saying what failed. */
  public XenStoreException(String errnoName, String message) {
    this(errnoName, message, null);
  }

  /** As {@link #XenStoreException(String, String)}, with a cause. */
  public XenStoreException(String errnoName, String message, Throwable cause) {
    super(errnoName + ": " + message, cause);
    this.errnoName = errnoName;
    XsError e = XsError.ofName(errnoName);
    this.error = e == null ? XsError.EIO : e;
  }

  /** An error of a known kind. */
  public XenStoreException(XsError error, String message) {
    this(error.name(), message, null);
  }

  /** An error of a known kind, with a cause. */
  public XenStoreException(XsError error, String message, Throwable cause) {
    this(error.name(), message, cause);
  }

  /** The error string as it came from the server (or from the client's own check). */
  public String errnoName() {
    return errnoName;
  }

  /** The error, {@link XsError#EIO} for strings not in {@code xsd_errors[]}. */
  public XsError error() {
    return error;
  }

  /** Whether the server said the node does not exist (an {@code ENOENT} reply, not a local failure). */
  public boolean isNoSuchNode() {
    return error == XsError.ENOENT && !(this instanceof XenStoreTimeoutException)
        && !(this instanceof XenStoreProtocolException);
  }

  /** The failure inside a {@link java.util.concurrent.CompletionException} (or the throwable itself). */
  public static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** {@code t} as an unchecked exception to rethrow from a stage's function. */
  public static RuntimeException propagate(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    return new java.util.concurrent.CompletionException(t);
  }
}
